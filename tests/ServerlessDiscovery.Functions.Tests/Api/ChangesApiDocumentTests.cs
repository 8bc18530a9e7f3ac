using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// GET /changes' typed reply: the OpenAPI document describes its 200 reply with a named schema, and the wire JSON keeps
/// its members in order (pinned by <see cref="WireShape"/>), each event being the CloudEvents structured JSON the change
/// feed carries, member for member.
/// </summary>
public sealed class ChangesApiDocumentTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["ChangeLog:Settle"] = "00:00:00" });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task OpenApi_Changes_Describes200WithItsSchema()
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject responses = document["paths"]!["/api/v1/changes"]!["get"]!["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/ChangeLogReply", (string?)responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotNull(responses["400"]);
        JsonObject schemas = document["components"]!["schemas"]!.AsObject();
        Assert.Equal(["events", "count", "cursor", "more"], schemas["ChangeLogReply"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(
            ["specversion", "id", "type", "source", "subject", "time", "datacontenttype", "data"],
            schemas["CloudEventReply"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Reply_AfterAScan_KeepsItsWireShape_EachEventAsTheFeedCarriesIt()
    {
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "changes-wire", "s", "changes wire");
        await _app.CreateFakeInstanceAsync("changewire", source);
        await _app.RefreshAsync("changewire");

        string body = await _app.Client.GetStringAsync("api/v1/changes");

        JsonObject reply = JsonNode.Parse(body)!.AsObject();
        JsonArray events = reply["events"]!.AsArray();
        Assert.Equal(_app.Events.Events.Count, events.Count);
        for (int i = 0; i < events.Count; i++)
        {
            // The time is the same instant; the feed writes it with all seven fraction digits, the API as System.Text.Json does.
            JsonObject expected = _app.Events.Events[i].ToCloudEventJson();
            JsonObject actual = events[i]!.AsObject();
            Assert.Equal(_app.Events.Events[i].Time, DateTimeOffset.Parse((string)actual["time"]!, System.Globalization.CultureInfo.InvariantCulture));
            expected["time"] = actual["time"]!.DeepClone();
            Assert.Equal(expected.ToJsonString(), actual.ToJsonString());
        }

        const string Envelope = "{specversion:string,id:string,type:string,source:string,subject:string,time:time,datacontenttype:string,data:{";
        string shape = WireShape.Of(body);
        Assert.StartsWith("{events:[" + Envelope, shape, StringComparison.Ordinal);
        Assert.EndsWith("],count:int,cursor:string,more:false}", shape, StringComparison.Ordinal);
        Assert.Equal("{events:[],count:int,cursor:string,more:false}", WireShape.Of(await _app.Client.GetStringAsync("api/v1/changes?cursor=" + (string)reply["cursor"]!)));
    }
}
