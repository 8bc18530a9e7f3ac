using ServerlessDiscovery.Domain.Mappings;
using ServerlessDiscovery.Http.Api.OpenCite;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// The logic of tool mappings and categories, without storage: OpenCITE's identify() semantics
/// (src/open_cite/identifier.py: "any" needs one attribute equal, "all" every one; the first mapping wins), the
/// source id its map-tool route derives (a version 5 UUID, RFC 9562, of "{plugin}:{source name}" in its namespace;
/// the expected values were computed with Python's uuid.uuid5), and the category of each asset type.
/// </summary>
public sealed class OpenCiteLogicTests
{
    [Theory]
    [InlineData("opentelemetry", "Flight Search", "29c049af-840c-56f2-af85-043ba1aca6a2")]
    [InlineData("opentelemetry", "Ünïcode ツール", "238c8815-ef9f-593f-ae53-8f72e83deee2")]
    public void SourceIdFor_IsTheNameBasedUuidOpenCiteDerives(string plugin, string name, string expected) =>
        Assert.Equal(expected, ToolMapping.SourceIdFor(plugin, name));

    [Theory]
    [InlineData("all", true, false)]
    [InlineData("any", true, true)]
    public void Matches_AllNeedsEveryAttribute_AnyNeedsOne(string matchType, bool whenBoth, bool whenOne)
    {
        ToolMapping mapping = Mapping(matchType, ("service.name", "shop"), ("deployment.environment", "prod"));

        Assert.Equal(whenBoth, mapping.Matches(new Dictionary<string, string> { ["service.name"] = "shop", ["deployment.environment"] = "prod", ["other"] = "x" }));
        Assert.Equal(whenOne, mapping.Matches(new Dictionary<string, string> { ["service.name"] = "shop", ["deployment.environment"] = "dev" }));
        Assert.False(mapping.Matches(new Dictionary<string, string> { ["service.name"] = "other" }));
    }

    [Fact]
    public void Identify_FirstMatchingMappingOfThePluginWins()
    {
        ToolMapping older = Mapping("all", ("k", "v")) with { SourceName = "Older", CreatedAt = DateTimeOffset.UnixEpoch };
        ToolMapping newer = Mapping("any", ("k", "v")) with { SourceName = "Newer", CreatedAt = DateTimeOffset.UnixEpoch.AddDays(1) };
        var set = new ToolMappingSet([older, newer]);
        var attributes = new Dictionary<string, string> { ["k"] = "v" };

        Assert.Equal("Older", set.Identify("opentelemetry", attributes)?.SourceName);
        Assert.Null(set.Identify("litellm", attributes));
        Assert.Null(set.Identify(null, attributes));
    }

    [Fact]
    public void IdFor_SameAttributesInAnyOrder_SameId_OtherMatchTypeOrPlugin_OtherId()
    {
        string id = ToolMapping.IdFor("p", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, "all");

        Assert.Equal(id, ToolMapping.IdFor("p", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, "all"));
        Assert.NotEqual(id, ToolMapping.IdFor("p", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, "any"));
        Assert.NotEqual(id, ToolMapping.IdFor("q", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, "all"));
    }

    [Theory]
    [InlineData("tool", null, "tools")]
    [InlineData("generative_model", null, "models")]
    [InlineData("downstream_system", "http", "downstream_systems")]
    [InlineData("downstream_system", "database", "data_assets")]
    [InlineData("downstream_system", "document_store", "data_assets")]
    [InlineData("mcp_resource_template", null, "mcp_resources")]
    [InlineData("mcp_prompt", null, "mcp_prompts")]
    [InlineData("principal", null, "identities")]
    [InlineData("endpoint", null, "data_assets")]
    [InlineData("table", null, "data_assets")]
    public void Category_OfEachAssetType(string type, string? kind, string expected) =>
        Assert.Equal(expected, AssetCategories.Of(type, kind));

    [Theory]
    [InlineData(null, null)]
    [InlineData("all", null)]
    [InlineData("models", "model,generative_model")]
    [InlineData("mcp_server", "mcp_server")]
    [InlineData("spaceships", "")]
    public void TypesFor_TakesCategoriesAssetTypesAndAll(string? type, string? expected) =>
        Assert.Equal(expected, AssetCategories.TypesFor(type) is { } types ? string.Join(',', types) : null);

    private static ToolMapping Mapping(string matchType, params (string Key, string Value)[] attributes)
    {
        Dictionary<string, string> map = attributes.ToDictionary(a => a.Key, a => a.Value);
        return new ToolMapping(ToolMapping.IdFor("opentelemetry", map, matchType), "opentelemetry", map, matchType, "Source", "id", DateTimeOffset.UnixEpoch);
    }
}
