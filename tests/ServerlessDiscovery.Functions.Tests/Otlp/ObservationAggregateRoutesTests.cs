using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Functions.Tests.Otlp;

/// <summary>A drain's merge keeps one identity's routes apart, so resolution can place each route's usage.</summary>
public sealed class ObservationAggregateRoutesTests
{
    private static DiscoveredAsset Model(string? host) => new("model", "openai/gpt-4o", "gpt-4o", "opentelemetry")
    {
        Attributes = host is null ? new JsonObject { ["provider"] = "openai" } : new JsonObject { ["provider"] = "openai", ["server_address"] = host },
    };

    private static AssetUsage Calls(long n) => new() { Invocations = n, InputTokens = 10 * n };

    [Fact]
    public void Assets_TwoRoutesAndCallsWithNone_OnePerRoute_UnroutedJoinTheFirst()
    {
        var aggregate = new ObservationAggregate();
        aggregate.Add(Model(null), Calls(1));
        aggregate.Add(Model("acct-a.openai.azure.com"), Calls(2));
        aggregate.Add(Model("acct-b.openai.azure.com"), Calls(4));
        aggregate.Add(Model("acct-a.openai.azure.com"), Calls(8));

        ObservedAsset[] observed = [.. aggregate.Assets().OrderBy(o => (string?)o.Asset.Attributes["server_address"], StringComparer.Ordinal)];

        Assert.Equal(3, aggregate.AssetCount);
        Assert.Equal([("acct-a.openai.azure.com", 11L, 110L), ("acct-b.openai.azure.com", 4L, 40L)],
            observed.Select(o => ((string)o.Asset.Attributes["server_address"]!, o.Invocations, o.InputTokens)));

        // Reading the merge twice gives the same answer (nothing is folded in place).
        Assert.Equal(observed.Select(o => o.Invocations).Order(), aggregate.Assets().Select(o => o.Invocations).Order());
    }

    [Fact]
    public void EncodeDecode_SplitExtraction_JournalsOneItemPerRoute()
    {
        DiscoveredAsset asset = Model("acct-a.openai.azure.com");
        var extraction = new TraceExtraction([asset], [], new Dictionary<AssetKey, AssetUsage> { [new("model", asset.Id)] = Calls(3) }, 3)
        {
            Routes = [new(new("model", asset.Id), new AssetRoute("acct-a.openai.azure.com", null, null, null), Calls(1)), new(new("model", asset.Id), new AssetRoute("acct-b.openai.azure.com", null, null, null), Calls(2))],
        };
        var aggregate = new ObservationAggregate();

        foreach (ReadOnlyMemory<byte> payload in JournalPayload.Encode(extraction))
        {
            JournalPayload.Decode(payload.Span, aggregate);
        }

        Assert.Equal([("acct-a.openai.azure.com", 1L), ("acct-b.openai.azure.com", 2L)],
            aggregate.Assets().Select(o => ((string)o.Asset.Attributes["server_address"]!, o.Invocations)).Order());
    }
}
