using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Functions.Tests.Otlp;

/// <summary>What is journaled for a request: bounded values, and payloads that split at the size limit and merge back exactly.</summary>
public sealed class JournalPayloadTests
{
    [Fact]
    public void Encode_ManyLargeAssets_SplitsIntoBoundedPayloads_DecodeMergesBackEveryAssetUsageAndEdge()
    {
        var assets = Enumerable.Range(0, 400).Select(i => new DiscoveredAsset("model", $"openai/m{i}", $"m{i}", "opentelemetry")
        {
            Attributes = new JsonObject { ["provider"] = "openai", ["notes"] = new string('n', 3000) },
        }).ToList();
        var usage = assets.ToDictionary(a => new AssetKey(a.Type, a.Id), a => new AssetUsage { Invocations = 2, InputTokens = 7, OutputTokens = 1, LastInvoked = DateTimeOffset.FromUnixTimeMilliseconds(1_732_000_000_000) });
        var edges = Enumerable.Range(0, 50).Select(i => new DiscoveredEdge("agent", "planner", "uses_model", "model", $"openai/m{i}", "opentelemetry")).ToList();
        var extraction = new TraceExtraction(assets, edges, usage, 400);

        IReadOnlyList<ReadOnlyMemory<byte>> payloads = JournalPayload.Encode(extraction);
        var aggregate = new ObservationAggregate();
        foreach (ReadOnlyMemory<byte> payload in payloads)
        {
            JournalPayload.Decode(payload.Span, aggregate);
        }

        // A second request for the same assets adds up.
        foreach (ReadOnlyMemory<byte> payload in JournalPayload.Encode(extraction))
        {
            JournalPayload.Decode(payload.Span, aggregate);
        }

        IReadOnlyList<ObservedAsset> merged = aggregate.Assets();
        Assert.True(payloads.Count > 1, $"{payloads.Count} payload(s)");
        Assert.All(payloads, p => Assert.True(p.Length <= JournalPayload.MaxPayloadBytes + 4096, $"{p.Length} bytes"));
        Assert.Equal(400, merged.Count);
        Assert.All(merged, o => Assert.Equal((4L, 14L, 2L), (o.Invocations, o.InputTokens, o.OutputTokens)));
        Assert.All(merged, o => Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_732_000_000_000), o.LastInvoked));
        Assert.Equal(new string('n', 3000), merged.Single(o => o.Asset.Id == "openai/m7").Asset.Attributes["notes"]!.GetValue<string>());
        Assert.Equal(50, aggregate.Edges().Count);
    }

    [Fact]
    public void Decode_NotAPayload_Throws()
    {
        var aggregate = new ObservationAggregate();

        Assert.ThrowsAny<Exception>(() => JournalPayload.Decode("{\"v\":2}"u8, aggregate));
        Assert.ThrowsAny<Exception>(() => JournalPayload.Decode("[1,2]"u8, aggregate));
        Assert.ThrowsAny<Exception>(() => JournalPayload.Decode("{\"v\":1,\"a\":[{\"t\":\"model\"}]}"u8, aggregate));
    }

    [Fact]
    public void Bounds_LongIdsNamesAndAttributes_CutWithMarker_DistinctIdsStayDistinct_EdgesAndUsageFollowTheId()
    {
        string longA = new('a', 40_000), longB = new string('a', 39_999) + "b";
        var asset = new DiscoveredAsset("model", "openai/" + longA, longA, "opentelemetry")
        {
            Attributes = new JsonObject
            {
                ["provider"] = "openai",
                ["gen_ai.system_instructions"] = new string('i', 1024 * 1024),
                ["list"] = new JsonArray([.. Enumerable.Range(0, 5000).Select(i => (JsonNode)i)]),
            },
        };
        for (int i = 0; i < 40; i++)
        {
            asset.Attributes[$"k{i}"] = new string('v', 3000);
        }

        var other = new DiscoveredAsset("model", "openai/" + longB, longB, "opentelemetry");
        var extraction = new TraceExtraction(
            [asset, other],
            [new DiscoveredEdge("agent", "planner", "uses_model", "model", asset.Id, "opentelemetry")],
            new Dictionary<AssetKey, AssetUsage> { [new AssetKey("model", asset.Id)] = new() { Invocations = 1 } },
            1);

        TraceExtraction bounded = ObservationBounds.Apply(extraction);
        DiscoveredAsset cut = bounded.Assets[0];

        Assert.True(cut.Id.Length <= ObservationBounds.MaxIdChars);
        Assert.True(cut.Name.Length <= ObservationBounds.MaxNameChars);
        Assert.Contains("…[truncated", cut.Id, StringComparison.Ordinal);
        Assert.NotEqual(cut.Id, bounded.Assets[1].Id);
        Assert.Equal(cut.Id, ObservationBounds.Apply(extraction).Assets[0].Id);
        Assert.Equal(cut.Id, bounded.Edges[0].TargetId);
        Assert.Equal(1, bounded.Usage[new AssetKey("model", cut.Id)].Invocations);
        Assert.True(cut.Attributes.ToJsonString().Length <= ObservationBounds.MaxAttributesChars, $"{cut.Attributes.ToJsonString().Length} characters");
        Assert.Equal("openai", cut.Attributes["provider"]!.GetValue<string>());
        Assert.True(cut.Attributes.ContainsKey(ObservationBounds.DroppedAttributes));
        string instructions = cut.Attributes["gen_ai.system_instructions"]?.GetValue<string>()
            ?? cut.Attributes[ObservationBounds.DroppedAttributes]!.AsArray().Single(k => k!.GetValue<string>() == "gen_ai.system_instructions")!.GetValue<string>();
        Assert.True(instructions.Length <= ObservationBounds.MaxValueChars);
    }

    [Fact]
    public void Bounds_SmallAsset_Unchanged()
    {
        var asset = new DiscoveredAsset("model", "openai/gpt-4o", "gpt-4o", "opentelemetry") { Attributes = new JsonObject { ["provider"] = "openai" } };

        Assert.Same(asset, ObservationBounds.Asset(asset));
    }
}
