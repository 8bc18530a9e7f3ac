using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Engine.Findings;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// GET /findings' typed reply: the OpenAPI document describes its 200 reply with a named schema, and the wire JSON is
/// exactly what the untyped reply sent (members in order, an unresolved finding's <c>resolved_at</c> sent as null, the
/// evidence as stored).
/// </summary>
public sealed class FindingsApiDocumentTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync();

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task OpenApi_Findings_Describes200WithItsSchema()
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject responses = document["paths"]!["/api/v1/findings"]!["get"]!["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/FindingList", (string?)responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotNull(responses["400"]);
        JsonObject schemas = document["components"]!["schemas"]!.AsObject();
        Assert.Equal(["findings", "count"], schemas["FindingList"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(
            ["id", "kind", "state", "subject", "reason", "evidence", "opened_at", "updated_at", "resolved_at"],
            schemas["FindingReply"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Reply_OpenAndResolvedFindings_IsTheExactWireJson()
    {
        var shadow = new Finding(FindingKinds.Shadow, "model", "openai/gpt-4o", "otel", "not-declared", new JsonObject
        {
            ["services"] = new JsonArray("checkout"),
            ["span_count"] = 12,
            ["ratio"] = 0.5,
            ["first_seen"] = "2026-11-29T08:00:00+00:00",
        });
        var unused = new Finding(FindingKinds.Unused, "tool", "search", "mcp1", "no-use", new JsonObject());
        await _app.App.Get<IFindingStore>().UpsertAsync("default",
        [
            new TrackedFinding(shadow, FindingKinds.Open, At, At.AddMinutes(5), null),
            new TrackedFinding(unused, FindingKinds.Resolved, At.AddDays(-1), At.AddMinutes(1), At.AddMinutes(1)),
        ]);

        string body = await _app.Client.GetStringAsync("api/v1/findings");

        Assert.Equal(
            "{\"findings\":["
            + "{\"id\":\"shadow/model/openai/gpt-4o\",\"kind\":\"shadow\",\"state\":\"open\",\"subject\":{\"type\":\"model\",\"id\":\"openai/gpt-4o\",\"instance\":\"otel\"},"
            + "\"reason\":\"not-declared\",\"evidence\":{\"services\":[\"checkout\"],\"span_count\":12,\"ratio\":0.5,\"first_seen\":\"2026-11-29T08:00:00+00:00\"},"
            + "\"opened_at\":\"2026-11-30T12:00:00+00:00\",\"updated_at\":\"2026-11-30T12:05:00+00:00\",\"resolved_at\":null},"
            + "{\"id\":\"unused/mcp1/tool/search\",\"kind\":\"unused\",\"state\":\"resolved\",\"subject\":{\"type\":\"tool\",\"id\":\"search\",\"instance\":\"mcp1\"},"
            + "\"reason\":\"no-use\",\"evidence\":{},"
            + "\"opened_at\":\"2026-11-29T12:00:00+00:00\",\"updated_at\":\"2026-11-30T12:01:00+00:00\",\"resolved_at\":\"2026-11-30T12:01:00+00:00\"}"
            + "],\"count\":2}",
            body);
        Assert.Equal("{\"findings\":[],\"count\":0}", await _app.Client.GetStringAsync("api/v1/findings?kind=shadow&state=resolved"));

        // Each finding is the document its change events carry, member for member.
        IReadOnlyList<TrackedFinding> stored = await _app.App.Get<IFindingStore>().ListAsync("default");
        JsonArray items = JsonNode.Parse(body)!["findings"]!.AsArray();
        Assert.Equal(stored.Count, items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            JsonObject document = FindingDocument.ToJson(stored[i]);
            Assert.Equal(document.Select(p => p.Key), items[i]!.AsObject().Select(p => p.Key));
            Assert.True(JsonNode.DeepEquals(document, items[i]), items[i]!.ToJsonString());
        }
    }
}
