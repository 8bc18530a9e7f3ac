using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Instances;

/// <summary>
/// <c>Plugins__{id}__Traced</c>: the tenant's statement, in app settings, that a configuration-owned instance's traffic
/// is traced (it gates <c>unused</c> findings), read at start and reconciled into the store like the other settings.
/// </summary>
public sealed class ConfiguredTracedTests
{
    [Fact]
    public async Task Start_TracedSetting_InstanceIsTraced_AndAChangedSettingIsReconciled()
    {
        string prefix = Azurite.UniqueName("p");
        await using (EngineApp first = await EngineApp.StartAsync(Settings(traced: null), prefix))
        {
            Assert.False(await TracedAsync(first));
        }

        await using (EngineApp second = await EngineApp.StartAsync(Settings(traced: "true"), prefix))
        {
            Assert.True(await TracedAsync(second));
        }

        await using EngineApp third = await EngineApp.StartAsync(Settings(traced: "False"), prefix);
        Assert.False(await TracedAsync(third));
    }

    private static Dictionary<string, string?> Settings(string? traced)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Plugins:cfg1:Type"] = FakePluginType.TypeId,
            ["Plugins:cfg1:Config:source"] = "configured-source",
        };
        if (traced is not null)
        {
            settings["Plugins:cfg1:Traced"] = traced;
        }

        return settings;
    }

    private static async Task<bool> TracedAsync(EngineApp app)
    {
        // The app reconciles its settings in the background at start; do it now, so the read cannot race it and see the
        // instance as the previous app left it.
        await app.App.Get<Engine.Instances.InstanceReconciler>().ReconcileAsync();
        return (bool)(await app.Client.GetFromJsonAsync<JsonObject>("api/v1/instances/cfg1"))!["instance"]!["traced"]!;
    }
}
