using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Bom;

namespace ServerlessDiscovery.Functions.Tests.Bom;

/// <summary>Asset JSON blocks (provenance, observed use) as serverlessdiscovery: properties (pure logic, no storage).</summary>
public sealed class BomPropertiesTests
{
    [Fact]
    public void For_ProvenanceAndObservedBlocks_BecomeNamespacedProperties()
    {
        BomAsset asset = BomAsset.From(new JsonObject
        {
            ["type"] = "model",
            ["id"] = "azure.ai.openai/gpt-4o",
            ["name"] = "gpt-4o",
            ["instance"] = "otlp",
            ["state"] = "active",
            ["first_seen"] = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.FromHours(1)),
            ["attributes"] = new JsonObject { ["provider"] = "azure.ai.openai" },
            ["provenance"] = new JsonArray("declared", "observed"),
            ["observed"] = new JsonObject
            {
                ["invocations"] = 42,
                ["last_invocation"] = new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero),
                ["callers"] = new JsonArray("checkout-service", "support-bot"),
            },
        });

        IReadOnlyList<BomProperty> properties = BomProperties.For(asset);

        Assert.Equal(
            [
                new("serverlessdiscovery:asset_type", "model"),
                new("serverlessdiscovery:state", "active"),
                new("serverlessdiscovery:instance", "otlp"),
                new("serverlessdiscovery:first_seen", "2026-11-01T07:00:00.0000000Z"),
                new("serverlessdiscovery:provenance", "declared"),
                new("serverlessdiscovery:provenance", "observed"),
                new("serverlessdiscovery:observed:invocations", "42"),
                new("serverlessdiscovery:observed:last_invocation", "2026-11-02T09:30:00.0000000Z"),
                new("serverlessdiscovery:observed:callers", "checkout-service"),
                new("serverlessdiscovery:observed:callers", "support-bot"),
            ],
            properties);
    }

    [Fact]
    public void For_MergedSightings_ListEveryInstanceAndTheWidestSeenRange()
    {
        BomAsset first = BomAsset.From(Sighting("scan", "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z"));
        first.Merge(BomAsset.From(Sighting("otlp", "2026-10-01T00:00:00Z", "2026-11-02T00:00:00Z")));

        IReadOnlyList<BomProperty> properties = BomProperties.For(first);

        Assert.Equal(["otlp", "scan"], properties.Where(p => p.Name == "serverlessdiscovery:instance").Select(p => p.Value));
        Assert.Equal("2026-10-01T00:00:00.0000000Z", properties.Single(p => p.Name == "serverlessdiscovery:first_seen").Value);
        Assert.Equal("2026-11-03T00:00:00.0000000Z", properties.Single(p => p.Name == "serverlessdiscovery:last_seen").Value);
    }

    private static JsonObject Sighting(string instance, string firstSeen, string lastSeen) => new()
    {
        ["type"] = "model",
        ["id"] = "openai/gpt-4o",
        ["instance"] = instance,
        ["state"] = "active",
        ["first_seen"] = DateTimeOffset.Parse(firstSeen, System.Globalization.CultureInfo.InvariantCulture),
        ["last_seen"] = DateTimeOffset.Parse(lastSeen, System.Globalization.CultureInfo.InvariantCulture),
        ["attributes"] = new JsonObject(),
    };
}
