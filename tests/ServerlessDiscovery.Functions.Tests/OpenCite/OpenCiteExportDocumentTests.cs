using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Tests.Api;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// POST /export's reply, OpenCITE's export document (schema/opencite-schema.json): its wire JSON, member for member and
/// in order, for an estate with every list filled (pinned by <see cref="WireShape"/>), with the timestamps in their two
/// forms (export_timestamp as OpenCITE's Python writes isoformat() with a Z, generated_at as System.Text.Json writes a
/// DateTimeOffset); the OpenAPI document names the reply's schema, lists its problems and describes the optional body.
/// </summary>
public sealed class OpenCiteExportDocumentTests(OpenCiteEstate estate) : IClassFixture<OpenCiteEstate>
{
    [Fact]
    public async Task OpenApi_Export_Describes200WithItsSchemaItsProblemsAndItsBody()
    {
        JsonObject document = (await estate.App.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject operation = document["paths"]!["/api/v1/export"]!["post"]!.AsObject();
        JsonObject responses = operation["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/OpenCiteExportDocument", (string?)responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        JsonObject schemas = document["components"]!["schemas"]!.AsObject();
        Assert.Equal(
            ["opencite_version", "export_timestamp", "metadata", "plugins", "tools", "models", "data_assets", "mcp_servers", "mcp_tools", "mcp_resources",
             "agents", "downstream_systems", "identities", "mcp_prompts", "relationships", "tenant", "count", "truncated"],
            schemas["OpenCiteExportDocument"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["generated_at", "generated_by", "plugins", "statistics"], schemas["OpenCiteExportMetadata"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["200", "400", "401", "413", "415", "503"], responses.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.False((bool?)operation["requestBody"]!["required"] ?? false);
        Assert.Equal(["plugins", "integration_id"], operation["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Reply_SeededEstate_KeepsItsWireShape()
    {
        string tenant = await estate.SeedAsync("export-wire");
        using HttpClient client = estate.Client(tenant);

        using HttpResponseMessage response = await client.PostAsJsonAsync("api/v1/export", new JsonObject { ["plugins"] = new JsonArray("opentelemetry", "test.fake") });
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(ExpectedShape, WireShape.Of(text));
        Assert.Matches(@"^\{""opencite_version"":""1\.0\.0"",""export_timestamp"":""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"",""metadata"":\{""generated_at"":""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?\+00:00"",", text);
    }

    [Fact]
    public async Task Reply_EmptyTenant_KeepsItsWireShape()
    {
        using HttpClient client = estate.Client("export-empty-" + Guid.NewGuid().ToString("N")[..8]);

        using HttpResponseMessage response = await client.PostAsync("api/v1/export", null);
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            "{opencite_version:string,export_timestamp:time,metadata:{generated_at:time,generated_by:string,plugins:[],statistics:{total_tools:int,total_models:int,total_data_assets:int,total_traces:int,by_provider:{},by_discovery_source:{}}},plugins:[],"
            + "tools:[],models:[],data_assets:[],mcp_servers:[],mcp_tools:[],mcp_resources:[],agents:[],downstream_systems:[],identities:[],mcp_prompts:[],relationships:[],tenant:string,count:int,truncated:false}",
            WireShape.Of(text));
    }

    /// <summary>The seeded estate's export, list by list (captured from the reply before it was typed).</summary>
    private const string ExpectedShape =
        "{opencite_version:string,"
        + "export_timestamp:time,"
        + "metadata:{generated_at:time,generated_by:string,plugins:[{name:string,version:string},{name:string,version:string}],statistics:{total_tools:int,total_models:int,total_data_assets:int,total_traces:int,by_provider:{azure:int,openai:int},by_discovery_source:{catalog:int,opentelemetry:int}}},"
        + "plugins:[{name:string,version:string},{name:string,version:string}],"
        + "tools:[{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{tool_type:string},attribute_sources:{tool_type:string},provenance:string,observed:{first_invocation:time,last_invocation:time,invocations:int,input_tokens:int,output_tokens:int,services:[],agents:[]},metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{tool_type:string}},usage:{invocations:int,input_tokens:int,output_tokens:int,last_invoked:time},asset_type:string,discovery_source:string,models:[],trace_count:int,models_used:[]}],"
        + "models:[{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{environment:string,provider:string},attribute_sources:{environment:string,provider:string},provenance:string,metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{environment:string,provider:string}},asset_type:string,discovery_source:string,provider:string,usage_count:int,total_input_tokens:int,total_output_tokens:int,tools:[],usage:{total_calls:int,unique_tools:int,tools_using:[],input_tokens:int,output_tokens:int}},{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{model:string,provider:string},attribute_sources:{model:string,provider:string},provenance:string,observed:{first_invocation:time,last_invocation:time,invocations:int,input_tokens:int,output_tokens:int,services:[],agents:[]},metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{model:string,provider:string}},usage:{total_calls:int,unique_tools:int,tools_using:[string],input_tokens:int,output_tokens:int},asset_type:string,discovery_source:string,provider:string,usage_count:int,total_input_tokens:int,total_output_tokens:int,tools:[string]}],"
        + "data_assets:[{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{owner:string},attribute_sources:{owner:string},provenance:string,metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{owner:string}},asset_type:string,discovery_source:string,full_name:string,owner:string},{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{category:string},attribute_sources:{category:string},provenance:string,metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{category:string}},asset_type:string,discovery_source:string,tools_connecting:[]}],"
        + "mcp_servers:[{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{endpoint:string,transport:string},attribute_sources:{endpoint:string,transport:string},provenance:string,metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{endpoint:string,transport:string}},asset_type:string,discovery_source:string,transport:string,endpoint:string,tools_provided:[string],tools_count:int,resources_provided:[string],resources_count:int}],"
        + "mcp_tools:[{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{description:string,server_id:string},attribute_sources:{description:string,server_id:string},provenance:string,metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{description:string,server_id:string}},asset_type:string,discovery_source:string,server_id:string,usage:{call_count:int,invocations:int}}],"
        + "mcp_resources:[{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{mime_type:string,server_id:string,uri:string},attribute_sources:{mime_type:string,server_id:string,uri:string},provenance:string,metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{mime_type:string,server_id:string,uri:string}},asset_type:string,discovery_source:string,server_id:string,uri:string,usage:{access_count:int}}],"
        + "agents:[{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{},attribute_sources:{},provenance:string,observed:{first_invocation:time,last_invocation:time,invocations:int,input_tokens:int,output_tokens:int,services:[],agents:[]},metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{}},usage:{invocations:int,input_tokens:int,output_tokens:int,last_invoked:time},asset_type:string,discovery_source:string,tools_used:[string],models_used:[string],usage_count:int}],"
        + "downstream_systems:[{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{category:string,url:string},attribute_sources:{category:string,url:string},provenance:string,metadata:{integration_ids:[string],instance:string,plugin_type:string,attributes:{category:string,url:string}},asset_type:string,discovery_source:string,endpoint:string,tools_connecting:[]}],"
        + "identities:[],"
        + "mcp_prompts:[],"
        + "relationships:[{source_type:string,source_id:string,relationship:string,target_type:string,target_id:string,instance:string,state:string,first_seen:time,relationship_type:string,weight:int,last_seen:time},{source_type:string,source_id:string,relationship:string,target_type:string,target_id:string,instance:string,state:string,first_seen:time,relationship_type:string,weight:int,last_seen:time},{source_type:string,source_id:string,relationship:string,target_type:string,target_id:string,instance:string,state:string,first_seen:time,relationship_type:string,weight:int,last_seen:time},{source_type:string,source_id:string,relationship:string,target_type:string,target_id:string,instance:string,state:string,first_seen:time,relationship_type:string,weight:int,last_seen:time}],"
        + "tenant:string,"
        + "count:int,"
        + "truncated:false}";
}
