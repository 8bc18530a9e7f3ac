using System.Net;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;
using static ServerlessDiscovery.Functions.Tests.Bom.BomEstateFixture;

namespace ServerlessDiscovery.Functions.Tests.Bom;

/// <summary>GET /api/v1/bom on the real app and Azurite, checked against the official CycloneDX 1.6 and 1.7 schemas.</summary>
public sealed class BomApiTests(BomEstateFixture estate) : IClassFixture<BomEstateFixture>
{
    [Theory]
    [InlineData(null, "1.7")]
    [InlineData("1.7", "1.7")]
    [InlineData("1.6", "1.6")]
    public async Task Bom_WholeTenant_ValidatesAgainstOfficialSchema(string? requested, string expected)
    {
        (HttpResponseMessage response, JsonObject bom) = await GetAsync(KeyA, requested is null ? "api/v1/bom" : $"api/v1/bom?specVersion={requested}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"application/vnd.cyclonedx+json; version={expected}", response.Content.Headers.ContentType?.ToString());
        Assert.Empty(CycloneDxSchemas.Validate(bom, expected));
        Assert.Equal(expected, bom["specVersion"]!.GetValue<string>());
        Assert.Equal($"http://cyclonedx.org/schema/bom-{expected}.schema.json", bom["$schema"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bom_WholeTenant_MapsEachAssetTypeToItsElement()
    {
        (_, JsonObject bom) = await GetAsync(KeyA, "api/v1/bom");
        Dictionary<string, JsonObject> components = Elements(bom, "components");
        Dictionary<string, JsonObject> services = Elements(bom, "services");

        Assert.Equal("machine-learning-model", components[Ref(AssetTypes.Model, Gpt4o)]["type"]!.GetValue<string>());
        Assert.Equal("machine-learning-model", components[Ref(AssetTypes.GenerativeModel, Claude)]["type"]!.GetValue<string>());
        Assert.Equal("application", components[Ref(AssetTypes.Agent, Planner)]["type"]!.GetValue<string>());
        Assert.Equal("data", components[Ref(AssetTypes.DownstreamSystem, KnowledgeBase)]["type"]!.GetValue<string>());
        Assert.Equal("dataset", components[Ref(AssetTypes.DownstreamSystem, KnowledgeBase)]["data"]![0]!["type"]!.GetValue<string>());
        string[] expectedServices =
            [Ref(AssetTypes.Deployment, Deployment), Ref(AssetTypes.Endpoint, OtherEndpoint), Ref(AssetTypes.Endpoint, Project), Ref(AssetTypes.McpServer, McpServer),
             Ref(AssetTypes.McpTool, Delete), Ref(AssetTypes.McpTool, Fetch), Ref(AssetTypes.McpTool, Search)];
        Assert.Equal(expectedServices.Order(StringComparer.Ordinal), services.Keys);
        Assert.DoesNotContain(components.Keys.Concat(services.Keys), r => r.StartsWith("principal/", StringComparison.Ordinal));
        Assert.Equal("AI estate of tenant tenant-a", bom["metadata"]!["component"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bom_ModelWithModalities_HasModelCardAndSupplier()
    {
        (_, JsonObject bom) = await GetAsync(KeyA, "api/v1/bom");
        JsonObject claude = Elements(bom, "components")[Ref(AssetTypes.GenerativeModel, Claude)];
        JsonObject gpt = Elements(bom, "components")[Ref(AssetTypes.Model, Gpt4o)];

        Assert.Equal(["image", "text"], claude["modelCard"]!["modelParameters"]!["inputs"]!.AsArray().Select(i => i!["format"]!.GetValue<string>()).Order());
        Assert.Equal("text", claude["modelCard"]!["modelParameters"]!["outputs"]![0]!["format"]!.GetValue<string>());
        Assert.Equal("Anthropic", claude["supplier"]!["name"]!.GetValue<string>());
        Assert.Null(gpt["modelCard"]);
        Assert.Equal("openai", gpt["supplier"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bom_Properties_CarrySourceInstancesFirstLastSeenAndCloudIds()
    {
        (_, JsonObject bom) = await GetAsync(KeyA, "api/v1/bom");
        JsonObject gpt = Elements(bom, "components")[Ref(AssetTypes.Model, Gpt4o)];
        JsonObject claude = Elements(bom, "components")[Ref(AssetTypes.GenerativeModel, Claude)];

        Assert.Equal(["estate", "second"], Values(gpt, "serverlessdiscovery:instance"));
        Assert.Single(Values(gpt, "serverlessdiscovery:first_seen"));
        Assert.Single(Values(gpt, "serverlessdiscovery:last_seen"));
        Assert.Empty(Values(gpt, "serverlessdiscovery:cloud_resource_id"));
        Assert.Equal([Claude], Values(claude, "serverlessdiscovery:cloud_resource_id"));
        Assert.Equal(["foundation_model"], Values(claude, "serverlessdiscovery:kind"));
        Assert.Equal(["active"], Values(claude, "serverlessdiscovery:state"));
    }

    [Fact]
    public async Task Bom_ServiceEndpoint_LosesUserInfoAndQuery()
    {
        (_, JsonObject bom) = await GetAsync(KeyA, "api/v1/bom");
        JsonObject project = Elements(bom, "services")[Ref(AssetTypes.Endpoint, Project)];

        Assert.Equal("https://acct.services.ai.azure.com/api/projects/p1", project["endpoints"]![0]!.GetValue<string>());
        Assert.DoesNotContain("secret", bom.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw@", bom.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bom_Dependencies_FollowLineageEdgesWithinTheBom()
    {
        (_, JsonObject bom) = await GetAsync(KeyA, "api/v1/bom");
        Dictionary<string, string[]> dependencies = Dependencies(bom);

        Assert.Equal([Ref(AssetTypes.McpTool, Delete), Ref(AssetTypes.McpTool, Fetch), Ref(AssetTypes.McpTool, Search)], dependencies[Ref(AssetTypes.McpServer, McpServer)]);
        Assert.Equal([Ref(AssetTypes.Model, Gpt4o)], dependencies[Ref(AssetTypes.Deployment, Deployment)]);
        Assert.Empty(dependencies[Ref(AssetTypes.Model, Gpt4o)]);
        Assert.Equal(Elements(bom, "components").Count + Elements(bom, "services").Count, dependencies.Count);
    }

    [Theory]
    [InlineData(Planner)]
    [InlineData(Writer)]
    public async Task Bom_Agent_ContainsExactlyItsTransitiveDependencies(string agent)
    {
        string[] expected = agent == Planner
            ? [Ref(AssetTypes.Agent, Planner), Ref(AssetTypes.Endpoint, Project), Ref(AssetTypes.Deployment, Deployment), Ref(AssetTypes.Model, Gpt4o),
               Ref(AssetTypes.McpTool, Search), Ref(AssetTypes.McpTool, Fetch), Ref(AssetTypes.McpServer, McpServer), Ref(AssetTypes.DownstreamSystem, KnowledgeBase)]
            : [Ref(AssetTypes.Agent, Writer), Ref(AssetTypes.Endpoint, Project), Ref(AssetTypes.Model, Gpt4o), Ref(AssetTypes.GenerativeModel, Claude),
               Ref(AssetTypes.McpTool, Fetch), Ref(AssetTypes.McpServer, McpServer), Ref(AssetTypes.DownstreamSystem, KnowledgeBase)];

        (HttpResponseMessage response, JsonObject bom) = await GetAsync(KeyA, $"api/v1/bom?agent={Uri.EscapeDataString(agent)}");
        string subject = bom["metadata"]!["component"]!["bom-ref"]!.GetValue<string>();
        IEnumerable<string> all = Elements(bom, "components").Keys.Concat(Elements(bom, "services").Keys).Append(subject);
        Dictionary<string, string[]> dependencies = Dependencies(bom);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(CycloneDxSchemas.Validate(bom, "1.7"));
        Assert.Equal(Ref(AssetTypes.Agent, agent), subject);
        Assert.Equal(expected.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Order(StringComparer.Ordinal), dependencies.Keys.Order(StringComparer.Ordinal));
        Assert.All(dependencies.Values.SelectMany(d => d), target => Assert.Contains(target, expected));
    }

    [Fact]
    public async Task Bom_Instance_HoldsOnlyThatInstancesAssets()
    {
        (HttpResponseMessage response, JsonObject bom) = await GetAsync(KeyA, "api/v1/bom?instance=second&specVersion=1.6");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(CycloneDxSchemas.Validate(bom, "1.6"));
        Assert.Equal([Ref(AssetTypes.Model, Gpt4o)], Elements(bom, "components").Keys);
        Assert.Empty(Elements(bom, "services"));
        Assert.Equal(["second"], Values(Elements(bom, "components")[Ref(AssetTypes.Model, Gpt4o)], "serverlessdiscovery:instance"));
    }

    [Fact]
    public async Task Bom_TwoExportsOfUnchangedEstate_AreIdentical()
    {
        (HttpResponseMessage first, JsonObject a) = await GetAsync(KeyA, "api/v1/bom");
        (HttpResponseMessage second, JsonObject b) = await GetAsync(KeyA, "api/v1/bom");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
        Assert.Matches("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", a["serialNumber"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bom_Spec16And17OfOneEstate_ShareSerialAndVersionAndDifferOnlyWhereTheSpecsDo()
    {
        (_, JsonObject v17) = await GetAsync(KeyA, "api/v1/bom?specVersion=1.7");
        (_, JsonObject v16) = await GetAsync(KeyA, "api/v1/bom?specVersion=1.6");
        JsonObject claude17 = Elements(v17, "components")[Ref(AssetTypes.GenerativeModel, Claude)];
        JsonObject claude16 = Elements(v16, "components")[Ref(AssetTypes.GenerativeModel, Claude)];

        Assert.Equal(v17["serialNumber"]!.GetValue<string>(), v16["serialNumber"]!.GetValue<string>());
        Assert.Equal(v17["version"]!.GetValue<long>(), v16["version"]!.GetValue<long>());
        // isExternal is new in 1.7: a provider's foundation model says it there, and 1.6's schema refuses it.
        Assert.True(claude17["isExternal"]!.GetValue<bool>());
        Assert.Null(claude16["isExternal"]);
        Assert.Null(Elements(v17, "components")[Ref(AssetTypes.Model, Gpt4o)]["isExternal"]);
        Assert.NotEmpty(CycloneDxSchemas.Validate(v17, "1.6"));
        Assert.Empty(CycloneDxSchemas.Validate(v16, "1.6"));
        Assert.Equal(
            Elements(v17, "components").Keys.Concat(Elements(v17, "services").Keys),
            Elements(v16, "components").Keys.Concat(Elements(v16, "services").Keys));
    }

    [Fact]
    public async Task Bom_AfterAnAssetChanges_KeepsRefsAndTakesNewSerialAndNextVersion()
    {
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "openai/gpt-4o-mini", "s", "gpt-4o-mini", new JsonObject { ["provider"] = "openai" });
        source.Put(AssetTypes.Agent, "agents/c", "s", "C");
        source.Edges.Add(new DiscoveredEdge(AssetTypes.Agent, "agents/c", Relationships.UsesModel, AssetTypes.Model, "openai/gpt-4o-mini", "s"));
        await estate.ScanAsync(KeyC, "c-inst", source);
        (_, JsonObject before) = await GetAsync(KeyC, "api/v1/bom");
        (_, JsonObject again) = await GetAsync(KeyC, "api/v1/bom");

        source.Put(AssetTypes.Model, "openai/gpt-4o-mini", "s", "gpt-4o-mini", new JsonObject { ["provider"] = "openai", ["mode"] = "chat" });
        await estate.ScanAsync(KeyC, "c-inst", source);
        (_, JsonObject after) = await GetAsync(KeyC, "api/v1/bom");

        Assert.Equal(before["serialNumber"]!.GetValue<string>(), again["serialNumber"]!.GetValue<string>());
        Assert.Equal(before["version"]!.GetValue<long>(), again["version"]!.GetValue<long>());
        Assert.Equal(before["metadata"]!["timestamp"]!.GetValue<string>(), again["metadata"]!["timestamp"]!.GetValue<string>());
        Assert.NotEqual(before["serialNumber"]!.GetValue<string>(), after["serialNumber"]!.GetValue<string>());
        Assert.Equal(before["version"]!.GetValue<long>() + 1, after["version"]!.GetValue<long>());
        Assert.Equal(Elements(before, "components").Keys, Elements(after, "components").Keys);
        Assert.Equal("chat", Elements(after, "components")[Ref(AssetTypes.Model, "openai/gpt-4o-mini")]["modelCard"]!["modelParameters"]!["task"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bom_TenantBKey_GetsNoneOfTenantAsElements()
    {
        (HttpResponseMessage response, JsonObject bom) = await GetAsync(KeyB, "api/v1/bom");
        string text = bom.ToJsonString();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Ref(AssetTypes.Agent, "agents/b-agent"), Ref(AssetTypes.Model, "tenant-b/secret-model")], Elements(bom, "components").Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("tenant-a", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Gpt4o, text, StringComparison.Ordinal);
        Assert.DoesNotContain("second", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/v1/bom?specVersion=1.5", "specVersion")]
    [InlineData("api/v1/bom?specVersion=2.0", "specVersion")]
    [InlineData("api/v1/bom?specVersion=", "specVersion")]
    [InlineData("api/v1/bom?agent=a&instance=estate", "agent")]
    [InlineData("api/v1/bom?instance=..%2F..", "instance")]
    [InlineData("api/v1/bom?agent=", "agent")]
    public async Task Bom_BadQuery_Answers400ProblemNamingTheField(string path, string field)
    {
        (HttpResponseMessage response, JsonObject problem) = await GetAsync(KeyA, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Bom_AgentIdLongerThanAnyAsset_Answers400()
    {
        (HttpResponseMessage response, _) = await GetAsync(KeyA, "api/v1/bom?agent=" + new string('a', 3000), parse: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>Unknown scopes, and tenant A's agent and instance asked for with tenant B's key.</summary>
    [Theory]
    [InlineData(KeyA, "api/v1/bom?agent=agents%2Fnobody")]
    [InlineData(KeyA, "api/v1/bom?agent=openai%2Fgpt-4o")]
    [InlineData(KeyA, "api/v1/bom?instance=no-such-instance")]
    [InlineData(KeyB, "api/v1/bom?agent=agents%2Fplanner")]
    [InlineData(KeyB, "api/v1/bom?instance=second")]
    public async Task Bom_AgentOrInstanceNotInTheCallersTenant_Answers404Problem(string key, string path)
    {
        (HttpResponseMessage response, _) = await GetAsync(key, path, parse: false);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Bom_WithoutKey_Answers401()
    {
        (HttpResponseMessage response, _) = await GetAsync(null, "api/v1/bom", parse: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>
    /// The reply is the CycloneDX document, not a schema of ours: the OpenAPI document says so (the media type, the spec
    /// versions and their official JSON schemas, the reference linked) and lists the problems.
    /// </summary>
    [Fact]
    public async Task OpenApi_DescribesBomRouteAsCycloneDxWithItsVersionsAndProblems()
    {
        (_, JsonObject document) = await GetAsync(KeyA, "api/openapi/v1.json");
        JsonObject get = document["paths"]!["/api/v1/bom"]!["get"]!.AsObject();
        JsonObject responses = get["responses"]!.AsObject();

        Assert.Equal(["200", "400", "401", "404", "503"], responses.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Contains("CycloneDX BOM: specVersion 1.7 by default", (string?)responses["200"]!["description"], StringComparison.Ordinal);
        Assert.Contains("application/vnd.cyclonedx+json; version=1.7", (string?)responses["200"]!["description"], StringComparison.Ordinal);
        Assert.Equal(["application/vnd.cyclonedx+json"], responses["200"]!["content"]!.AsObject().Select(c => c.Key));
        JsonObject schema = responses["200"]!["content"]!["application/vnd.cyclonedx+json"]!["schema"]!.AsObject();
        Assert.Equal("object", (string?)schema["type"]);
        Assert.Null(schema["$ref"]);
        Assert.Contains("http://cyclonedx.org/schema/bom-1.7.schema.json, http://cyclonedx.org/schema/bom-1.6.schema.json", (string?)schema["description"], StringComparison.Ordinal);
        Assert.Equal("https://cyclonedx.org/docs/1.7/json/", (string?)schema["externalDocs"]!["url"]);
        Assert.NotNull(responses["400"]!["content"]!["application/problem+json"]);
        Assert.NotNull(responses["404"]!["content"]!["application/problem+json"]);
        Assert.Equal(["agent", "instance", "specVersion"], get["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    private static string Ref(string type, string id) => type + "/" + id;

    private static Dictionary<string, JsonObject> Elements(JsonObject bom, string section) =>
        (bom[section] as JsonArray ?? []).Select(e => e!.AsObject()).ToDictionary(e => e["bom-ref"]!.GetValue<string>(), StringComparer.Ordinal);

    private static Dictionary<string, string[]> Dependencies(JsonObject bom) =>
        bom["dependencies"]!.AsArray().ToDictionary(
            d => d!["ref"]!.GetValue<string>(),
            d => (d!["dependsOn"] as JsonArray ?? []).Select(t => t!.GetValue<string>()).ToArray(),
            StringComparer.Ordinal);

    private static string[] Values(JsonObject element, string property) =>
        [.. (element["properties"] as JsonArray ?? []).Where(p => p!["name"]!.GetValue<string>() == property).Select(p => p!["value"]!.GetValue<string>())];

    private async Task<(HttpResponseMessage Response, JsonObject Body)> GetAsync(string? key, string path, bool parse = true)
    {
        using HttpClient client = estate.Client(key);
        HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        return (response, parse ? JsonNode.Parse(body)!.AsObject() : []);
    }
}
