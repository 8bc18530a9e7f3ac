using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Functions.Tests.OpenCite;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// The status routes' typed replies (OpenCITE's /status, /stats, /persistence/* and /reset-discoveries documents, as
/// its REST reference docs/REST_API.md names them): the OpenAPI document describes each 200 reply with a named schema
/// and lists the problems, and the wire JSON keeps its members, order, nulls and number forms (pinned by
/// <see cref="WireShape"/>) for an empty tenant and for the small estate of <see cref="OpenCiteEstate"/> (with a model a
/// second instance reports too, which the export keys "{id} ({instance})").
/// </summary>
public sealed class StatusApiDocumentTests(OpenCiteEstate estate) : IClassFixture<OpenCiteEstate>
{
    private const string Observed = "observed:{first_invocation:time,last_invocation:time,invocations:int,input_tokens:int,output_tokens:int,services:[],agents:[]}";
    private const string Usage = "usage:{invocations:int,input_tokens:int,output_tokens:int,last_invoked:time}";
    private const string Edge = "{source_type:string,source_id:string,relationship:string,target_type:string,target_id:string,instance:string,state:string,first_seen:time,relationship_type:string,weight:int,last_seen:time}";

    [Theory]
    [InlineData("/api/v1/status", "get", "DiscoveryStatusReply", "running,plugins_enabled,last_updated,error,current_status,progress,tenant,instances,count")]
    [InlineData("/api/v1/stats", "get", "StatsReply", "last_modified,partial")]
    [InlineData("/api/v1/persistence/status", "get", "PersistenceStatusReply", "enabled,stats,storage,partial")]
    [InlineData("/api/v1/persistence/export", "get", "PersistenceExportReply", "exported_at,tools,models,agents,downstream_systems,mcp_servers,mcp_tools,mcp_resources,data_assets,identities,mcp_prompts,lineage,tenant,truncated")]
    [InlineData("/api/v1/persistence/save", "post", "PersistenceActionReply", "success,message")]
    [InlineData("/api/v1/persistence/load", "post", "PersistenceActionReply", "success,message")]
    [InlineData("/api/v1/reset-discoveries", "post", "ResetDiscoveriesReply", "success,tenant,assets_deleted,relationships_deleted,usage_cleared,reset_id")]
    public async Task OpenApi_StatusRoute_Describes200WithItsNamedSchema(string path, string method, string schema, string members)
    {
        JsonObject document = (await estate.App.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject responses = document["paths"]![path]![method]!["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/" + schema, (string?)responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal(members.Split(','), document["components"]!["schemas"]![schema]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task OpenApi_NestedParts_AreNamedSchemas_AndTheExportCategoriesMapsById()
    {
        JsonObject document = (await estate.App.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject schemas = document["components"]!["schemas"]!.AsObject();
        Assert.Equal(["step", "message", "status"], schemas["DiscoveryProgressStep"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(
            ["instance_id", "plugin_type", "enabled", "running", "last_scan_run_id", "last_scan_status", "last_scan_at", "next_run"],
            schemas["InstanceStatusReply"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(
            ["tools", "models", "agents", "downstream_systems", "lineage_relationships", "lineage", "mcp_servers", "mcp_tools", "mcp_resources", "data_assets", "identities", "mcp_prompts"],
            schemas["PersistenceCounts"]!["properties"]!.AsObject().Select(p => p.Key));
        JsonObject export = schemas["PersistenceExportReply"]!["properties"]!.AsObject();
        Assert.All(["tools", "models", "mcp_prompts"], category => Assert.NotNull(export[category]!["additionalProperties"]));
        Assert.Equal("array", (string?)export["lineage"]!["type"]);
    }

    [Fact]
    public async Task OpenApi_ResetDiscoveries_ListsItsForbiddenProblem()
    {
        JsonObject document = (await estate.App.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject responses = document["paths"]!["/api/v1/reset-discoveries"]!["post"]!["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/ProblemDetails", (string?)responses["403"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
    }

    [Fact]
    public async Task Status_EmptyTenant_KeepsItsWireShape_WithNulls()
    {
        using HttpClient empty = estate.Client("status-wire-empty-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal(
            "{running:false,plugins_enabled:[],last_updated:null,error:null,current_status:string,progress:[],tenant:string,instances:[],count:int}",
            await GetShapeAsync(empty, "api/v1/status"));
    }

    [Fact]
    public async Task Status_FailedFreshAndStoppedInstances_KeepTheirWireShape()
    {
        string tenant = "status-wire-" + Guid.NewGuid().ToString("N")[..8];
        using HttpClient client = estate.Client(tenant);
        FakeSource failing = FakeSource.Create();
        failing.Throw = "the source is down";
        await estate.App.CreateFakeInstanceAsync("a-failed", failing, tenantHeader: tenant);
        await estate.App.CreateFakeInstanceAsync("b-fresh", FakeSource.Create(), tenantHeader: tenant);
        await estate.App.CreateFakeInstanceAsync("c-stopped", FakeSource.Create(), tenantHeader: tenant);
        await PostAsync(client, "api/v1/instances/a-failed/refresh", HttpStatusCode.Accepted);
        await estate.App.App.Get<DiscoveryScheduler>().WhenIdleAsync();
        await PostAsync(client, "api/v1/instances/c-stopped/stop", HttpStatusCode.OK);

        const string Step = "{step:string,message:string,status:string}";
        Assert.Equal(
            "{running:true,plugins_enabled:[string],last_updated:time,error:string,current_status:string,progress:[" + Step + "," + Step + "," + Step + "],tenant:string,instances:["
            + "{instance_id:string,plugin_type:string,enabled:true,running:false,last_scan_run_id:string,last_scan_status:string,last_scan_at:time,next_run:time},"
            + "{instance_id:string,plugin_type:string,enabled:true,running:false,last_scan_run_id:null,last_scan_status:null,last_scan_at:null,next_run:time},"
            + "{instance_id:string,plugin_type:string,enabled:false,running:false,last_scan_run_id:null,last_scan_status:null,last_scan_at:null,next_run:null}],count:int}",
            await GetShapeAsync(client, "api/v1/status"));
    }

    [Fact]
    public async Task StatsAndPersistence_EmptyTenant_KeepTheirWireShape()
    {
        using HttpClient empty = estate.Client("persist-wire-empty-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal("{last_modified:null,partial:false}", await GetShapeAsync(empty, "api/v1/stats"));
        Assert.Equal(
            "{enabled:true,stats:{tools:int,models:int,agents:int,downstream_systems:int,lineage_relationships:int,lineage:int,mcp_servers:int,mcp_tools:int,mcp_resources:int,data_assets:int,identities:int,mcp_prompts:int},storage:string,partial:false}",
            await GetShapeAsync(empty, "api/v1/persistence/status"));
        Assert.Equal(
            "{exported_at:time,tools:{},models:{},agents:{},downstream_systems:{},mcp_servers:{},mcp_tools:{},mcp_resources:{},data_assets:{},identities:{},mcp_prompts:{},lineage:[],tenant:string,truncated:false}",
            await GetShapeAsync(empty, "api/v1/persistence/export"));
    }

    [Fact]
    public async Task StatsAndPersistence_Estate_KeepTheirWireShape_AnIdTwoInstancesReportKeyedTwice()
    {
        string tenant = await estate.SeedAsync("persist-wire");
        using HttpClient client = estate.Client(tenant);
        FakeSource again = FakeSource.Create();
        again.CompletedScopes.Add("s");
        again.Put(AssetTypes.Model, "azure/chat-deployment", "s", "chat-deployment", new JsonObject { ["provider"] = "azure" });
        await estate.App.CreateFakeInstanceAsync("catalog2", again, tenantHeader: tenant);
        await PostAsync(client, "api/v1/instances/catalog2/refresh", HttpStatusCode.Accepted);
        await estate.App.App.Get<DiscoveryScheduler>().WhenIdleAsync();

        Assert.Equal("{last_modified:time,partial:false}", await GetShapeAsync(client, "api/v1/stats"));
        Assert.Equal(
            "{enabled:true,stats:{tools:int,models:int,agents:int,downstream_systems:int,lineage_relationships:int,lineage:int,mcp_servers:int,mcp_tools:int,mcp_resources:int,data_assets:int,identities:int,mcp_prompts:int},storage:string,partial:false}",
            await GetShapeAsync(client, "api/v1/persistence/status"));
        Assert.Equal(ExportShape, await GetShapeAsync(client, "api/v1/persistence/export"));
    }

    [Fact]
    public async Task PersistenceSaveAndLoad_KeepTheirWireShape()
    {
        using HttpClient client = estate.Client("persist-noop-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal("{success:true,message:string}", WireShape.Of(await PostAsync(client, "api/v1/persistence/save", HttpStatusCode.OK)));
        Assert.Equal("{success:true,message:string}", WireShape.Of(await PostAsync(client, "api/v1/persistence/load", HttpStatusCode.OK)));
    }

    [Fact]
    public async Task ResetDiscoveries_KeepsItsWireShape()
    {
        string tenant = await estate.SeedAsync("reset-wire");
        using HttpClient client = estate.Client(tenant);

        Assert.Equal(
            "{success:true,tenant:string,assets_deleted:int,relationships_deleted:int,usage_cleared:int,reset_id:string}",
            WireShape.Of(await PostAsync(client, "api/v1/reset-discoveries", HttpStatusCode.OK)));
    }

    [Fact]
    public async Task ResetDiscoveries_TenantBoundKey_Answers403Problem()
    {
        const string TenantKey = "status-wire-tenant-key-0123456789";
        await using TestApp app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = $"{TenantKey}@tenant-a;status-wire-admin-key-0123456789" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/reset-discoveries");
        request.Headers.Add("x-api-key", TenantKey);

        using HttpResponseMessage response = await app.Client.SendAsync(request);

        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{type:string,title:string,status:int,detail:string,traceId:string,error:string}", WireShape.Of(body));
        Assert.Equal("Admin key required", (string?)JsonNode.Parse(body)!["title"]);
    }

    private static string ExportShape
    {
        get
        {
            string Item(string attributes, bool observed, string opencite)
            {
                string metadata = attributes.Length == 0 ? "integration_ids:[string],instance:string" : attributes + ",integration_ids:[string],instance:string";
                return "{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,"
                    + $"attributes:{{{attributes}}},attribute_sources:{{{attributes}}},provenance:string,{(observed ? Observed : "observed:null")},metadata:{{{metadata}}},"
                    + (observed ? Usage + "," : string.Empty) + "asset_type:string,discovery_source:string" + (opencite.Length == 0 ? string.Empty : "," + opencite) + "}";
            }

            return "{exported_at:time,"
                + "tools:{search_flights:" + Item("tool_type:string", true, "models:[],trace_count:int") + "},"
                + "models:{azure/chat-deployment:" + Item("environment:string,provider:string", false, "provider:string,usage_count:int,total_input_tokens:int,total_output_tokens:int,tools:[]")
                + ",azure/chat-deployment (catalog2):" + Item("provider:string", false, "provider:string,usage_count:int,total_input_tokens:int,total_output_tokens:int,tools:[]")
                + ",openai/gpt-4o:" + Item("model:string,provider:string", true, "provider:string,usage_count:int,total_input_tokens:int,total_output_tokens:int,tools:[string]") + "},"
                + "agents:{planner:" + Item(string.Empty, true, "tools_used:[string],models_used:[string],usage_count:int") + "},"
                + "downstream_systems:{database/postgresql/orders:" + Item("category:string", false, "endpoint:null,tools_connecting:[]")
                + ",http/payments:" + Item("category:string,url:string", false, "endpoint:string,tools_connecting:[]") + "},"
                + $"mcp_servers:{{{OpenCiteEstate.McpServerId}:" + Item("endpoint:string,transport:string", false, "transport:string,endpoint:string,tools_provided:[string],tools_count:int,resources_provided:[string],resources_count:int") + "},"
                + $"mcp_tools:{{{OpenCiteEstate.McpToolId}:" + Item("description:string,server_id:string", false, "server_id:string,usage:{call_count:int,invocations:int}") + "},"
                + $"mcp_resources:{{{OpenCiteEstate.McpResourceId}:" + Item("mime_type:string,server_id:string,uri:string", false, "server_id:string,uri:string") + "},"
                + "data_assets:{main:" + Item("owner:string", false, "full_name:string,owner:string") + "},"
                + "identities:{},mcp_prompts:{},"
                + $"lineage:[{Edge},{Edge},{Edge},{Edge}],tenant:string,truncated:false}}";
        }
    }

    private static async Task<string> GetShapeAsync(HttpClient client, string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return WireShape.Of(body);
    }

    private static async Task<string> PostAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        using HttpResponseMessage response = await client.PostAsync(path, null);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return body;
    }
}
