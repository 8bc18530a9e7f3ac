using System.Text.RegularExpressions;

namespace ServerlessDiscovery.Infra.Tests;

/// <summary>
/// The deployment package: what azure.yaml tells azd to publish, what scripts/package.sh builds, and the zip itself
/// against the templates (the queue the Deliver function listens on is the queue Bicep creates).
/// </summary>
public sealed partial class PackageTests
{
    private const string FunctionsProject = "functions/ServerlessDiscovery.Functions";

    [Fact]
    public void AzureYaml_DeploysTheFunctionsProjectAsDotnet_WithOnlyThePostProvisionHook()
    {
        string yaml = File.ReadAllText(RepoPaths.InRoot("azure.yaml"));
        Assert.Contains("path: infra/bicep", yaml, StringComparison.Ordinal);
        Assert.Equal($"project: {FunctionsProject}", Assert.Single(YamlLine().Matches(yaml), m => m.Groups["key"].Value == "project").Value.Trim());
        Assert.Equal("language: dotnet", Assert.Single(YamlLine().Matches(yaml), m => m.Groups["key"].Value == "language").Value.Trim());
        Assert.Equal("host: function", Assert.Single(YamlLine().Matches(yaml), m => m.Groups["key"].Value == "host").Value.Trim());
        Assert.True(File.Exists(RepoPaths.InRoot(FunctionsProject, "ServerlessDiscovery.Functions.csproj")), $"azure.yaml deploys {FunctionsProject}, which has no project file.");

        // azd publishes the project itself (framework-dependent Release): no prebuilt zip, no packaging hook, and
        // nothing after deploy (the Event Grid subscription is provisioned by Bicep).
        foreach (string key in new[] { "dist", "prepackage", "postdeploy", "predeploy" })
        {
            Assert.DoesNotContain(YamlLine().Matches(yaml), m => m.Groups["key"].Value == key);
        }

        string[] scripts = [.. Regex.Matches(yaml, @"run: bash (\S+)").Select(m => m.Groups[1].Value)];
        Assert.Equal(["infra/scripts/ensure-secrets.sh"], scripts);
        Assert.True(File.Exists(RepoPaths.InRoot(scripts[0])), $"azure.yaml runs {scripts[0]}, which does not exist.");
    }

    [Fact]
    public void PackageScript_PublishesTheFunctionsProjectFrameworkDependent_AndZipsThePublishFolderRoot()
    {
        string script = File.ReadAllText(RepoPaths.InRoot("scripts", "package.sh"));
        Assert.Contains($"project={FunctionsProject}\n", script, StringComparison.Ordinal);
        Match publish = Assert.Single(Regex.Matches(script, @"^dotnet publish .*$", RegexOptions.Multiline));
        Assert.StartsWith("dotnet publish \"$project\" -c Release ", publish.Value, StringComparison.Ordinal);

        // Framework-dependent and portable, as azd publishes it: no runtime identifier, no self-contained runtime,
        // no ReadyToRun for one RID, no executable bit to keep.
        foreach (string flag in new[] { " -r ", "--runtime", "--self-contained", "SelfContained", "PublishReadyToRun", "UseAppHost" })
        {
            Assert.DoesNotContain(flag, publish.Value, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("chmod", script, StringComparison.Ordinal);

        Assert.Contains("(cd \"$stage\" && zip -q -r -X \"$out\" .)", script, StringComparison.Ordinal);
        foreach (string required in new[] { "host.json", "functions.metadata", "worker.config.json", ".azurefunctions" })
        {
            Assert.Contains(required, script, StringComparison.Ordinal);
        }
    }

    /// <summary>A "key: value" line of azure.yaml, at any indentation.</summary>
    [GeneratedRegex(@"^\s*(?<key>[A-Za-z]+):.*$", RegexOptions.Multiline)]
    private static partial Regex YamlLine();
}
