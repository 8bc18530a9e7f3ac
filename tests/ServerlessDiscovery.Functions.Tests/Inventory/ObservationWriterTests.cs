using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Domain.Observations;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Inventory;

/// <summary>The observation writer against Azurite: drains are applied once, and an asset the table refuses is quarantined alone.</summary>
public sealed class ObservationWriterTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Otlp:FlushInterval"] = "01:00:00" });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task ApplyAsync_SameDrainTwice_CountsOnce_AnotherDrainAddsUp()
    {
        ObservationWriter writer = _app.App.Get<ObservationWriter>();
        ObservedAsset[] observed = [new(Model("gpt-4o"), 3, 30, 5, null)];

        await writer.ApplyAsync("drains", "otlp", observed, [], drainId: "d1");
        // A crash between the inventory write and the journal delete: the same drain is applied again.
        int again = await writer.ApplyAsync("drains", "otlp", observed, [], drainId: "d1");
        await writer.ApplyAsync("drains", "otlp", observed, [], drainId: "d2");
        Dictionary<string, Azure.Data.Tables.TableEntity> rows = await _app.AssetRowsAsync("otlp", "drains");

        Assert.Equal(0, again);
        Assert.Equal(6, rows.Values.Single().GetInt64("Invocations"));
        Assert.Equal(60, rows.Values.Single().GetInt64("InputTokens"));
    }

    [Fact]
    public async Task UsageRows_SameDrainTwice_CountsOnce_AnotherDrainAddsUp()
    {
        // Usage resolved to a declared asset lands in the usage row beside it, under the same drain rule.
        UsageRows usage = _app.App.Get<UsageRows>();
        var target = new Engine.Resolution.DeclaredRef("declaring", "deployment", "acct/gpt-4o", "azure-openai");
        ResolvedUsage[] resolved = [new(target, "model/azure.openai/gpt-4o", new ObservedUsage(3, 30, 5, null, null, []))];

        await usage.AddAsync("drains", resolved, drainId: "d1");
        int again = await usage.AddAsync("drains", resolved, drainId: "d1");
        await usage.AddAsync("drains", resolved, drainId: "d2");
        Azure.Data.Tables.TableEntity row = (await _app.App.Table(Storage.TableNames.Assets)
            .GetEntityAsync<Azure.Data.Tables.TableEntity>(Storage.StorageKeys.Partition("drains", "declaring"), Storage.Inventory.InventoryRows.UsageRowKey(target.Type, target.Id))).Value;

        Assert.Equal(0, again);
        Assert.Equal(6, row.GetInt64("Invocations"));
        Assert.Equal(60, row.GetInt64("InputTokens"));
    }

    [Fact]
    public async Task ApplyAsync_AssetTheTableRefuses_IsQuarantined_OthersAreWritten()
    {
        ObservationWriter writer = _app.App.Get<ObservationWriter>();
        // Not bounded (the OTLP endpoint bounds values first): a name over the entity's 1 MiB.
        DiscoveredAsset huge = Model("huge") with { Name = new string('h', 600_000) };

        await writer.ApplyAsync("poison", "otlp", [new(Model("a-fine"), 1, 0, 0, null), new(huge, 1, 0, 0, null), new(Model("z-fine"), 1, 0, 0, null)], []);
        Dictionary<string, Azure.Data.Tables.TableEntity> rows = await _app.AssetRowsAsync("otlp", "poison");
        IReadOnlyList<QuarantineRecord> quarantined = await _app.App.Get<IQuarantine>().ListAsync("poison");

        Assert.Equal(["model~openai%2Fa-fine", "model~openai%2Fz-fine"], rows.Keys.Order(StringComparer.Ordinal));
        QuarantineRecord record = Assert.Single(quarantined);
        Assert.Equal("asset", record.Kind);
        Assert.Equal("model/openai/huge", record.Subject);
        Assert.Contains("ObservationWriter", _app.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Remember_PartsOfAFailedDrain_EachAppliedOnce_AndNoneAfterTheWholeDrainReachedTheRow()
    {
        // The first application of drain d1 never reached this row; its rows come back in two parts.
        string? drains = ObservationWriter.Remember(null, "d1:part-a", out bool applied);
        Assert.False(applied);
        drains = ObservationWriter.Remember(drains, "d1:part-b", out applied);
        Assert.False(applied);
        ObservationWriter.Remember(drains, "d1:part-a", out applied);
        Assert.True(applied);

        // The first application of d2 did reach the row: any part of d2 coming back is already counted.
        drains = ObservationWriter.Remember(drains, "d2", out applied);
        Assert.False(applied);
        ObservationWriter.Remember(drains, "d2:part-a", out applied);
        Assert.True(applied);
    }

    private static DiscoveredAsset Model(string name) => new("model", "openai/" + name, name, "opentelemetry");
}
