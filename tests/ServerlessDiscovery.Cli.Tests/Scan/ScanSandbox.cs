using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Databricks.Tests;
using ServerlessDiscovery.Plugins.LiteLlm.Tests;

namespace ServerlessDiscovery.Cli.Tests.Scan;

/// <summary>
/// Three real sources for `sd scan`: the loopback LiteLLM proxy (LiteLLM proxy API: GET /model/info, GET /key/list, as
/// FakeProxy documents), the loopback Databricks workspace (REST API 2.0: GET /api/2.0/serving-endpoints,
/// GET /api/2.0/genie/spaces, as FakeWorkspace documents) and the real stdio MCP test server; a sources file that names
/// their secrets by reference only (an environment variable, a file), and a temporary folder for state and output.
/// </summary>
internal sealed class ScanSandbox : IAsyncDisposable
{
    public const string McpToken = "mcp-env-SECRET-77aa1c";
    public const string LiteLlmKeyVariable = "SD_TEST_LITELLM_KEY";
    public const string McpTokenVariable = "SD_TEST_MCP_TOKEN";

    private ScanSandbox(FakeProxy proxy, FakeWorkspace workspace, string folder)
    {
        Proxy = proxy;
        Workspace = workspace;
        Folder = folder;
    }

    public FakeProxy Proxy { get; }

    public FakeWorkspace Workspace { get; }

    public string Folder { get; }

    /// <summary>Deployments the proxy lists; tests remove some between runs.</summary>
    public List<string> Deployments { get; } = ["a1", "b2", "c3", "d4"];

    public bool KeysForbidden { get; set; }

    /// <summary>Genie space titles by id; tests rename and remove some between runs.</summary>
    public Dictionary<string, string> Spaces { get; } = new() { ["01ef"] = "Sales", ["02ab"] = "Finance" };

    public string SourcesFile => Path.Combine(Folder, "sources.json");

    public string StateFile => Path.Combine(Folder, "state.json");

    public static string McpServerId => $"stdio:dotnet {SdRunner.BuiltFile("McpTestServerDll")}";

    /// <summary>The environment `sd` sees: the secrets the sources file refers to, and the host's opt-in to stdio servers.</summary>
    public static Dictionary<string, string> Environment => new()
    {
        [LiteLlmKeyVariable] = FakeProxy.MasterKey,
        [McpTokenVariable] = McpToken,
    };

    /// <summary>Every secret of the sources, none of which may appear in anything sd prints or writes.</summary>
    public static IEnumerable<string> Secrets => [FakeProxy.MasterKey, FakeWorkspace.Pat, McpToken];

    public static async Task<ScanSandbox> StartAsync()
    {
        // The host's opt-in to stdio MCP servers (read by the plugin from the process environment).
        System.Environment.SetEnvironmentVariable("MCP_STDIO_ENABLED", "true");
        FakeProxy proxy = await FakeProxy.StartAsync();
        FakeWorkspace workspace = await FakeWorkspace.StartAsync();
        string folder = Path.Combine(Path.GetTempPath(), "sd-scan-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var sandbox = new ScanSandbox(proxy, workspace, folder);
        sandbox.Route();
        File.WriteAllText(Path.Combine(folder, "dbx.token"), FakeWorkspace.Pat + "\n");
        sandbox.WriteSources(sandbox.Sources());
        return sandbox;
    }

    public JsonArray Sources() =>
    [
        new JsonObject
        {
            ["plugin_type"] = "litellm",
            ["instance_id"] = "proxy",
            ["config"] = new JsonObject { ["proxy_url"] = Proxy.Server.BaseAddress.ToString(), ["master_key"] = $"${{env:{LiteLlmKeyVariable}}}" },
        },
        new JsonObject
        {
            ["plugin_type"] = "databricks",
            ["instance_id"] = "workspace",
            ["config"] = new JsonObject { ["workspace_url"] = Workspace.Server.BaseAddress.ToString(), ["token"] = "${file:dbx.token}" },
        },
        new JsonObject
        {
            ["plugin_type"] = "mcp",
            ["instance_id"] = "tools",
            ["config"] = new JsonObject
            {
                ["transport"] = "stdio",
                ["command"] = "dotnet",
                ["arguments"] = new JsonArray(SdRunner.BuiltFile("McpTestServerDll")),
                ["environment"] = new JsonObject { ["MCP_TEST_TOKEN"] = $"${{env:{McpTokenVariable}}}" },
                ["timeout_seconds"] = 60L,
            },
        },
    ];

    public void WriteSources(JsonArray instances) => File.WriteAllText(SourcesFile, new JsonObject { ["instances"] = instances }.ToJsonString());

    public Task<SdResult> ScanAsync(params string[] extra) => SdRunner.RunAsync(Environment, ["scan", "--sources", SourcesFile, .. extra]);

    public static void AssertNoSecret(string text)
    {
        foreach (string secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Workspace.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    private void Route()
    {
        Proxy.Route("/model/info", context => FakeProxy.WriteAsync(context, 200, new JsonObject
        {
            ["data"] = new JsonArray([.. Deployments.Select(id => (JsonNode?)new JsonObject
            {
                ["model_name"] = id == "c3" ? "claude" : "gpt-4o",
                ["litellm_params"] = new JsonObject { ["model"] = id == "c3" ? "anthropic/claude-sonnet-4-5" : "openai/gpt-4o", ["api_key"] = "sk-provider-secret" },
                ["model_info"] = new JsonObject { ["id"] = id },
            })]),
        }.ToJsonString()));
        Proxy.Route("/key/list", context => KeysForbidden
            ? FakeProxy.WriteAsync(context, 403, """{"error":{"message":"Only proxy admin can list keys","type":"auth_error","param":"None","code":"403"}}""")
            : FakeProxy.WriteAsync(context, 200, """{"keys":[{"token":"hash-aaa","key_alias":"search-svc","models":["claude"]}],"total_count":1,"current_page":1,"total_pages":1}"""));
        Workspace.Route("/api/2.0/genie/spaces", context => FakeWorkspace.WriteAsync(context, 200, new JsonObject
        {
            ["spaces"] = new JsonArray([.. Spaces.Select(s => (JsonNode?)new JsonObject { ["space_id"] = s.Key, ["title"] = s.Value })]),
        }.ToJsonString()));
        const string endpoint = """{"name":"llama","id":"e1","state":{"ready":"READY"},"config":{"served_entities":[{"name":"llama-3","foundation_model":{"name":"databricks-meta-llama-3-3-70b-instruct"}}]}}""";
        Workspace.Json("/api/2.0/serving-endpoints/llama", endpoint);
        Workspace.Json("/api/2.0/serving-endpoints", $$"""{"endpoints":[{{endpoint}}]}""");
    }
}
