using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Cli.Tests.PluginPackages;

/// <summary>`sd plugin validate PATH` on plugin assemblies compiled against the host's SDK (<see cref="TestPlugins"/>).</summary>
public sealed class PluginValidateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sd-validate-").FullName;

    [Fact]
    public async Task Validate_ConformingPlugin_PrintsEveryCheckOkAndExitsZero()
    {
        string dll = TestPlugins.Compile(_folder, "Acme.Good", TestPlugins.CurrentRange, "acme.good");

        SdResult result = await SdRunner.RunAsync(null, "plugin", "validate", Path.GetDirectoryName(dll)!);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains($"host SDK {PluginSdk.Version}", result.Stdout, StringComparison.Ordinal);
        foreach (string check in new[] { "loads, SDK range", "metadata complete", "secrets flagged", "unknown field rejected", "verify answers without throwing", "discovery reports failed scopes", "discovery already cancelled" })
        {
            Assert.Contains(check, result.Stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("FAIL", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_EmptyDescriptionAndUnflaggedCredential_PrintsBothFailuresAndExitsOne()
    {
        string dll = TestPlugins.Compile(_folder, "Acme.Sloppy", TestPlugins.CurrentRange, "acme.sloppy", description: " ", keyField: "api_token", keySecret: false);

        SdResult result = await SdRunner.RunAsync(null, "plugin", "validate", dll);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Description is empty.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Config field 'api_token' looks like a credential but is not flagged Secret.", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("fails the checks above", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_OutsideTheHostsSdkRange_SaysSoAndExitsOne()
    {
        string dll = TestPlugins.Compile(_folder, TestPlugins.FutureSdk, TestPlugins.FutureRange, "future.sdk");

        SdResult result = await SdRunner.RunAsync(null, "plugin", "validate", dll);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"was built for SDK {TestPlugins.FutureRange}", result.Stderr, StringComparison.Ordinal);
        Assert.Contains($"this host's SDK is {PluginSdk.Version}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BuiltInTypeId_IsRefusedNamingTheBuiltIn()
    {
        string dll = TestPlugins.Compile(_folder, TestPlugins.DuplicateTypeId, TestPlugins.CurrentRange, "litellm");

        SdResult result = await SdRunner.RunAsync(null, "plugin", "validate", dll);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("declares type id 'litellm'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("built-in ServerlessDiscovery.Plugins.LiteLlm", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingPath_ExitsTwoNamingIt()
    {
        SdResult result = await SdRunner.RunAsync(null, "plugin", "validate", Path.Combine(_folder, "nothing-here.nupkg"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nothing-here.nupkg' does not exist", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
