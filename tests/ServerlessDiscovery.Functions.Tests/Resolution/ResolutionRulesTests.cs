using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.OpenTelemetry;

namespace ServerlessDiscovery.Functions.Tests.Resolution;

/// <summary>The rule data against its documentation, and the index's tie-breaking, without storage.</summary>
public sealed class ResolutionRulesTests
{
    private const string Begin = "<!-- resolution-rules:begin -->";
    private const string End = "<!-- resolution-rules:end -->";

    [Fact]
    public void ReadmeRuleTable_IsTheRuleData()
    {
        string readme = Path.Combine(RepoRoot(), "README.md");
        string text = File.ReadAllText(readme);
        int begin = text.IndexOf(Begin, StringComparison.Ordinal);
        int end = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "README.md has the resolution-rules markers");
        string expected = "\n" + ResolutionRules.MarkdownTable();
        if (Environment.GetEnvironmentVariable("SD_UPDATE_README") == "1")
        {
            File.WriteAllText(readme, text[..(begin + Begin.Length)] + expected + text[end..]);
            return;
        }

        Assert.Equal(expected, text[(begin + Begin.Length)..end]);
        Assert.Equal(ResolutionRules.All.Count, ResolutionRules.All.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void TraceScope_IsTheOpenTelemetryPluginsScope() => Assert.Equal(TraceAssetExtractor.Scope, Provenance.TraceScope);

    [Fact]
    public void Resolve_KeyNamingTwoDeclaredAssets_IsAmbiguousAndFallsThroughToTheNextKey()
    {
        // Two MCP servers on one host:port: the address alone names both; the server name names one.
        DeclaredAsset first = new("mcp-a", "mcp", AssetTypes.McpServer, "http://tools.internal:9000/a", "a", new JsonObject { ["server_name"] = "alpha" });
        DeclaredAsset second = new("mcp-b", "mcp", AssetTypes.McpServer, "http://tools.internal:9000/b", "b", new JsonObject { ["server_name"] = "beta" });
        var index = new DeclaredIndex([first, second]);

        ResolutionResult byAddress = index.Resolve(new TraceIdentity(AssetTypes.McpServer, "tools.internal:9000", "tools.internal:9000", new JsonObject { ["server_address"] = "tools.internal:9000" }));
        ResolutionResult byName = index.Resolve(new TraceIdentity(AssetTypes.McpServer, "beta", "beta", []));
        ResolutionResult byUrl = index.Resolve(new TraceIdentity(AssetTypes.McpServer, "x", "x", new JsonObject { ["url"] = "http://tools.internal:9000/a?token=secret" }));

        Assert.Null(byAddress.Target);
        Assert.Equal("mcp-server", Assert.Single(byAddress.Rules).Id);
        Assert.Equal(new DeclaredRef("mcp-b", AssetTypes.McpServer, second.Id, "mcp-server"), byName.Target);
        Assert.Equal(first.Id, byUrl.Target?.Id);
    }

    [Fact]
    public void Resolve_ModelOnProviderWithoutRule_ResolvesNothingAndNamesNoRule()
    {
        var index = new DeclaredIndex([new DeclaredAsset("aws", "aws.bedrock", AssetTypes.GenerativeModel, "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0", "Nova Pro", [])]);

        ResolutionResult openAi = index.Resolve(new TraceIdentity(AssetTypes.Model, "openai/gpt-4o", "gpt-4o", new JsonObject { ["model"] = "gpt-4o", ["server_address"] = "api.openai.com" }));
        ResolutionResult otherRegion = index.Resolve(new TraceIdentity(AssetTypes.Model, "aws.bedrock/amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0",
            new JsonObject { ["model"] = "amazon.nova-pro-v1:0", ["server_address"] = "bedrock-runtime.eu-west-1.amazonaws.com" }));
        ResolutionResult sameRegion = index.Resolve(new TraceIdentity(AssetTypes.Model, "aws.bedrock/amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0",
            new JsonObject { ["model"] = "amazon.nova-pro-v1:0", ["server_address"] = "bedrock-runtime.us-east-1.amazonaws.com" }));

        Assert.Null(openAi.Target);
        Assert.DoesNotContain(openAi.Rules, r => r.PluginTypes.Contains("aws.bedrock"));
        Assert.Null(otherRegion.Target);
        Assert.Contains(otherRegion.Rules, r => r.Id == "bedrock");
        Assert.Equal("bedrock", sameRegion.Target?.Rule);
    }

    private static string RepoRoot()
    {
        if (Environment.GetEnvironmentVariable("SD_TEST_REPO_ROOT") is { Length: > 0 } root)
        {
            return root;
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessDiscovery.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ServerlessDiscovery.sln not found above the test binaries; set SD_TEST_REPO_ROOT.");
    }
}
