using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// The scan run routes' typed replies: the OpenAPI document describes each 200 reply with a named schema, and the wire
/// JSON keeps its members, order, nulls and number forms (pinned by <see cref="WireShape"/>).
/// </summary>
public sealed class ScansApiDocumentTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync();

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Theory]
    [InlineData("/api/v1/instances/{id}/scans", "ScanRunList", true)]
    [InlineData("/api/v1/instances/{id}/scans/{scanRunId}", "ScanRunReport", false)]
    public async Task OpenApi_ScanRoute_Describes200WithItsSchemaAndItsProblems(string path, string schema, bool validatesQuery)
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject responses = document["paths"]![path]!["get"]!["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/" + schema, (string?)responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotEmpty(document["components"]!["schemas"]![schema]!["properties"]!.AsObject());
        Assert.NotNull(responses["404"]);
        // 400 (malformed tenant id), 401 and 503 are every route's (OpenApiCoverageTests); a route that validates its own input says so with a validation problem.
        Assert.Equal(validatesQuery, (string?)responses["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"] == "#/components/schemas/HttpValidationProblemDetails");
    }

    [Fact]
    public async Task Replies_FinishedRun_KeepTheirWireShape()
    {
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s1");
        source.Put("model", "scan-wire-model", "s1", "Wire model");
        await _app.CreateInstanceAsync(FakePluginType.TypeId, "scanwire", new JsonObject { ["source"] = source.Name });
        string runId = (string)(await _app.ScheduledScanAsync("scanwire"))["scan_run_id"]!;

        const string Run = "{scan_run_id:string,instance_id:string,status:string,trigger:string,forced:false,started_at:time,completed_at:time,duration_ms:int,"
            + "counts:{discovered:int,edges:int,created:int,updated:int,unchanged:int,deleted:int,stale:int,restored:int,rejected:int,entity_writes:int},"
            + "scopes:{s1:string},warnings:[],error:null,"
            + "progress:{scopes_done:int,scopes_total:int,scopes_total_estimated:false,assets:int,updated_at:time}}";
        Assert.Equal("{instance_id:string,scans:[" + Run + "],count:int}", WireShape.Of(await _app.Client.GetStringAsync("api/v1/instances/scanwire/scans?limit=10")));
        Assert.Equal(Run, WireShape.Of(await _app.Client.GetStringAsync($"api/v1/instances/scanwire/scans/{runId}")));
    }
}
