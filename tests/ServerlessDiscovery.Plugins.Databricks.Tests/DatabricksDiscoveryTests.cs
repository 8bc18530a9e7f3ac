using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Databricks.Tests;

/// <summary>Discovery against a loopback workspace answering with the shapes of the Databricks REST API reference.</summary>
public sealed class DatabricksDiscoveryTests : IAsyncLifetime
{
    private FakeWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await FakeWorkspace.StartAsync();

    public async Task DisposeAsync() => await _ws.DisposeAsync();

    private string Scope(string api) => $"databricks:{_ws.Host}:{api}";

    /// <summary>
    /// serving.ServingEndpointsAPI (databricks-sdk-go service/serving): List returns ServingEndpoint, whose
    /// EndpointCoreConfigSummary holds ServedEntitySpec (name, entity, model only); Get
    /// (GET /api/2.0/serving-endpoints/{name}) returns ServingEndpointDetailed with ServedEntityOutput (workload, scaling)
    /// and ai_gateway.
    /// </summary>
    private void ServeEndpoints()
    {
        _ws.Json("/api/2.0/serving-endpoints", """
            {"endpoints":[
              {"name":"llama","id":"e1","creator":"a@b.com","state":{"ready":"READY","config_update":"NOT_UPDATING"},"task":"llm/v1/chat",
               "config":{"served_entities":[{"name":"llama-3","entity_name":"system.ai.meta_llama_v3_3_70b_instruct","entity_version":"1","foundation_model":{"name":"databricks-meta-llama-3-3-70b-instruct","display_name":"Meta Llama 3.3 70B Instruct"}}]}},
              {"name":"gpt","id":"e2","state":{"ready":"READY"},
               "config":{"served_entities":[{"name":"gpt-4o","external_model":{"provider":"openai","name":"gpt-4o","task":"llm/v1/chat"}}]}},
              {"name":"churn","id":"e3","state":{"ready":"NOT_READY"},
               "config":{"served_entities":[{"name":"churn-2","entity_name":"Main.ML.Churn","entity_version":"2"}],
                         "served_models":[{"name":"legacy","model_name":"fraud","model_version":"7"}]}}
            ]}
            """);
        _ws.Json("/api/2.0/serving-endpoints/llama", """
            {"name":"llama","id":"e1","creator":"a@b.com","state":{"ready":"READY","config_update":"NOT_UPDATING"},"task":"llm/v1/chat",
             "config":{"served_entities":[{"name":"llama-3","entity_name":"system.ai.meta_llama_v3_3_70b_instruct","entity_version":"1","min_provisioned_throughput":0,"max_provisioned_throughput":9500,"foundation_model":{"name":"databricks-meta-llama-3-3-70b-instruct","display_name":"Meta Llama 3.3 70B Instruct"}}],
                       "traffic_config":{"routes":[{"served_model_name":"llama-3","traffic_percentage":100}]}},
             "ai_gateway":{"guardrails":{"input":{"safety":true,"pii":{"behavior":"BLOCK"}},"output":{"pii":{"behavior":"MASK"}}},"rate_limits":[{"calls":100,"renewal_period":"minute","key":"user"}],"usage_tracking_config":{"enabled":true},"inference_table_config":{"enabled":true,"catalog_name":"main","schema_name":"logs"}}}
            """);
        _ws.Json("/api/2.0/serving-endpoints/gpt", """
            {"name":"gpt","id":"e2","state":{"ready":"READY"},
             "config":{"served_entities":[{"name":"gpt-4o","external_model":{"provider":"openai","name":"gpt-4o","task":"llm/v1/chat","openai_config":{"openai_api_key":"{{secrets/s/k}}"}}}]}}
            """);
        _ws.Json("/api/2.0/serving-endpoints/churn", """
            {"name":"churn","id":"e3","state":{"ready":"NOT_READY"},
             "config":{"served_entities":[{"name":"churn-2","entity_name":"Main.ML.Churn","entity_version":"2","workload_size":"Small","workload_type":"CPU","scale_to_zero_enabled":true}],
                       "served_models":[{"name":"legacy","model_name":"fraud","model_version":"7","workload_size":"Medium"}]}}
            """);
    }

    [Fact]
    public async Task Discover_ServingEndpoints_ReportsFoundationExternalAndCustomServedEntitiesWithTheirDetails()
    {
        ServeEndpoints();

        RecordingSink sink = await DiscoverAsync("serving");

        Assert.Equal([Scope("serving")], sink.CompletedScopes);
        string host = _ws.Host;
        DiscoveredAsset llama = sink.Single(AssetTypes.Endpoint, $"{host}/serving-endpoints/llama");
        Assert.Equal("READY", llama.Attributes["ready"]!.GetValue<string>());
        Assert.Equal("BLOCK", (string?)llama.Attributes["ai_gateway"]!["guardrails_input"]!["pii"]!["behavior"]);
        Assert.True((bool)llama.Attributes["ai_gateway"]!["usage_tracking_enabled"]!);
        DiscoveredAsset foundation = sink.Single(AssetTypes.Deployment, $"{host}/serving-endpoints/llama/served-entities/llama-3");
        Assert.Equal("foundation_model", foundation.Attributes["kind"]!.GetValue<string>());
        Assert.Equal(9500, (int)foundation.Attributes["max_provisioned_throughput"]!);
        sink.Single(AssetTypes.Model, "databricks/databricks-meta-llama-3-3-70b-instruct");
        sink.Single(AssetTypes.Model, "openai/gpt-4o");
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/serving-endpoints/gpt/served-entities/gpt-4o" && e.Relationship == Relationships.Serves && e.TargetId == "openai/gpt-4o");
        Assert.DoesNotContain(sink.Assets, a => a.Attributes.ToJsonString().Contains("secrets/", StringComparison.Ordinal));

        // Workload and scaling are only in the detailed reply.
        DiscoveredAsset churn = sink.Single(AssetTypes.Deployment, $"{host}/serving-endpoints/churn/served-entities/churn-2");
        Assert.Equal("Small", (string?)churn.Attributes["workload_size"]);
        Assert.True((bool)churn.Attributes["scale_to_zero_enabled"]!);
        Assert.Equal("Medium", (string?)sink.Single(AssetTypes.Deployment, $"{host}/serving-endpoints/churn/served-entities/legacy").Attributes["workload_size"]);
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.0/serving-endpoints/churn");

        // Custom models are linked to the registry's version, not reported from the serving scope.
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/serving-endpoints/churn/served-entities/churn-2" && e.TargetId == $"{host}/unity-catalog/models/main.ml.churn/versions/2");
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/serving-endpoints/churn/served-entities/legacy" && e.TargetId == $"{host}/mlflow/registered-models/fraud/versions/7");
        Assert.DoesNotContain(sink.Assets, a => a.Id.Contains("/unity-catalog/", StringComparison.Ordinal));
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/serving-endpoints/churn" && e.Relationship == Relationships.Contains);
    }

    [Fact]
    public async Task Discover_OneServingEndpointUnreadable_WarnsReportsItFromTheListAndLeavesTheScopeIncomplete()
    {
        ServeEndpoints();
        _ws.Json("/api/2.0/serving-endpoints/gpt", """{"error_code":"INTERNAL_ERROR","message":"Internal error."}""", 500);

        RecordingSink sink = await DiscoverAsync("serving", "genie");

        Assert.Equal([Scope("genie")], sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        (string scope, string warning) = Assert.Single(sink.Warnings);
        Assert.Equal(Scope("serving"), scope);
        Assert.Contains("serving endpoint gpt", warning, StringComparison.Ordinal);
        Assert.Contains("INTERNAL_ERROR", warning, StringComparison.Ordinal);
        sink.Single(AssetTypes.Endpoint, $"{_ws.Host}/serving-endpoints/gpt");
        sink.Single(AssetTypes.Model, "openai/gpt-4o");
        Assert.Equal("Small", (string?)sink.Single(AssetTypes.Deployment, $"{_ws.Host}/serving-endpoints/churn/served-entities/churn-2").Attributes["workload_size"]);
    }

    [Fact]
    public async Task Discover_AgentServingEndpoint_IsReportedAsAnAgentServedByTheEndpoint()
    {
        _ws.Json("/api/2.0/serving-endpoints", """{"endpoints":[{"name":"agents_main-support-bot","task":"agent/v1/chat","config":{"served_entities":[{"name":"bot-3","entity_name":"main.support.bot","entity_version":"3"}]}}]}""");
        _ws.Json("/api/2.0/serving-endpoints/agents_main-support-bot", """{"name":"agents_main-support-bot","task":"agent/v1/chat","config":{"served_entities":[{"name":"bot-3","entity_name":"main.support.bot","entity_version":"3","workload_size":"Small"}]}}""");

        RecordingSink sink = await DiscoverAsync("serving");

        string id = $"{_ws.Host}/serving-endpoints/agents_main-support-bot";
        Assert.Equal("agent/v1/chat", (string?)sink.Single(AssetTypes.Agent, id).Attributes["task"]);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, id, Relationships.Serves, AssetTypes.Agent, id, Scope("serving")), sink.Edges);
        Assert.Contains(sink.Edges, e => e.SourceId == $"{id}/served-entities/bot-3" && e.TargetId == $"{_ws.Host}/unity-catalog/models/main.support.bot/versions/3");
    }

    /// <summary>
    /// catalog.RegisteredModelsAPI List (databricks-sdk-go service/catalog ListRegisteredModelsRequest): models the
    /// principal holds only BROWSE on are returned only with include_browse=true, flagged browse_only, and their
    /// versions answer PERMISSION_DENIED.
    /// </summary>
    [Fact]
    public async Task Discover_UnityCatalogModelsOverSeveralPages_ReportsEveryModelAndVersionIncludingBrowseOnly()
    {
        string[][] pages =
        [
            ["""{"full_name":"main.ml.churn","catalog_name":"main","schema_name":"ml","name":"churn","owner":"ds-team"}"""],
            ["""{"full_name":"main.ml.fraud","catalog_name":"main","schema_name":"ml","name":"fraud"}"""],
        ];
        _ws.Route("/api/2.1/unity-catalog/models", context =>
        {
            string token = context.Request.Query["page_token"].ToString();
            if (context.Request.Query["include_browse"] == "true" && token == "p1")
            {
                return FakeWorkspace.WriteAsync(context, 200, """{"registered_models":[{"full_name":"main.ml.fraud","catalog_name":"main","schema_name":"ml","name":"fraud"},{"full_name":"finance.risk.Scorer","catalog_name":"finance","schema_name":"risk","name":"Scorer","browse_only":true}]}""");
            }

            string body = token == "p1" ? $"{{\"registered_models\":[{pages[1][0]}]}}" : $"{{\"registered_models\":[{pages[0][0]}],\"next_page_token\":\"p1\"}}";
            return FakeWorkspace.WriteAsync(context, 200, body);
        });
        _ws.Json("/api/2.1/unity-catalog/models/finance.risk.Scorer/versions", """{"error_code":"PERMISSION_DENIED","message":"User does not have EXECUTE on Routine or Model 'finance.risk.scorer'."}""", 403);
        _ws.Pages("/api/2.1/unity-catalog/models/main.ml.churn/versions", "model_versions",
            ["""{"model_name":"churn","version":1,"status":"READY","source":"dbfs:/m/1"}"""],
            ["""{"model_name":"churn","version":2,"status":"READY","source":"dbfs:/m/2","run_id":"r2"}"""]);

        RecordingSink sink = await DiscoverAsync("unity_catalog");

        Assert.Equal([Scope("unity_catalog")], sink.CompletedScopes);
        string churn = $"{_ws.Host}/unity-catalog/models/main.ml.churn";
        Assert.Equal("ds-team", sink.Single(AssetTypes.Model, churn).Attributes["owner"]!.GetValue<string>());
        sink.Single(AssetTypes.Model, $"{_ws.Host}/unity-catalog/models/main.ml.fraud");
        Assert.Equal("r2", sink.Single(AssetTypes.Model, churn + "/versions/2").Attributes["run_id"]!.GetValue<string>());
        Assert.Contains(sink.Edges, e => e.SourceId == churn + "/versions/1" && e.Relationship == Relationships.VersionOf && e.TargetId == churn);
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/unity-catalog/models" && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
        Assert.All(_ws.Server.Requests, r => Assert.Contains("max_results=100", r.Query, StringComparison.Ordinal));
        DiscoveredAsset scorer = sink.Single(AssetTypes.Model, $"{_ws.Host}/unity-catalog/models/finance.risk.scorer");
        Assert.True((bool)scorer.Attributes["browse_only"]!);
        Assert.Empty(sink.Warnings);
    }

    [Fact]
    public async Task Discover_OneModelsVersionsForbidden_WarnsAndKeepsItsSiblings()
    {
        _ws.Json("/api/2.1/unity-catalog/models", """{"registered_models":[{"full_name":"main.ml.a"},{"full_name":"main.ml.b"}]}""");
        _ws.Json("/api/2.1/unity-catalog/models/main.ml.a/versions", """{"error_code":"PERMISSION_DENIED","message":"User does not have EXECUTE on Model 'main.ml.a'."}""", 403);
        _ws.Json("/api/2.1/unity-catalog/models/main.ml.b/versions", """{"model_versions":[{"version":1}]}""");

        RecordingSink sink = await DiscoverAsync("unity_catalog");

        Assert.Empty(sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Contains("versions of model main.ml.a", Assert.Single(sink.Warnings).Warning, StringComparison.Ordinal);
        sink.Single(AssetTypes.Model, $"{_ws.Host}/unity-catalog/models/main.ml.b/versions/1");
        sink.Single(AssetTypes.Model, $"{_ws.Host}/unity-catalog/models/main.ml.a");
    }

    /// <summary>
    /// apps.AppsAPI List (databricks-sdk-go service/apps: GET /api/2.0/apps, ListAppsRequest page_size/page_token,
    /// ListAppsResponse apps/next_page_token; AppResource serving_endpoint / genie_space / uc_securable / secret).
    /// </summary>
    [Fact]
    public async Task Discover_AppsOverSeveralPages_ReportsAgentsWithTheirModelsToolsAndDelegates()
    {
        _ws.Pages("/api/2.0/apps", "apps",
            ["""{"name":"support-chat","id":"a1","url":"https://support-chat-123.aws.databricksapps.com","service_principal_client_id":"sp-1","resources":[{"name":"llm","serving_endpoint":{"name":"agents_main-support-bot","permission":"CAN_QUERY"}},{"name":"key","secret":{"scope":"s","key":"k","permission":"READ"}},{"name":"lookup","uc_securable":{"securable_full_name":"main.tools.Lookup_Order","securable_type":"FUNCTION","permission":"EXECUTE"}}]}"""],
            ["""{"name":"analyst","resources":[{"name":"genie","genie_space":{"name":"sales","space_id":"01ef","permission":"CAN_RUN"}}]}""", """{"name":"bare"}"""]);

        RecordingSink sink = await DiscoverAsync("apps");

        Assert.Equal([Scope("apps")], sink.CompletedScopes);
        string host = _ws.Host;
        DiscoveredAsset app = sink.Single(AssetTypes.Agent, $"{host}/apps/support-chat");
        Assert.Equal("databricks_app", (string?)app.Attributes["kind"]);
        Assert.Equal("sp-1", (string?)app.Attributes["service_principal_client_id"]);
        Assert.DoesNotContain("\"secret\"", app.Attributes.ToJsonString(), StringComparison.Ordinal);
        sink.Single(AssetTypes.Agent, $"{host}/apps/bare");
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, app.Id, Relationships.UsesModel, AssetTypes.Endpoint, $"{host}/serving-endpoints/agents_main-support-bot", Scope("apps")), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, app.Id, Relationships.UsesTool, AssetTypes.Tool, $"{host}/unity-catalog/functions/main.tools.lookup_order", Scope("apps")), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, $"{host}/apps/analyst", Relationships.DelegatesTo, AssetTypes.Agent, $"{host}/genie/spaces/01ef", Scope("apps")), sink.Edges);
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.0/apps" && r.Query.Contains("page_token=p1", StringComparison.Ordinal) && r.Query.Contains("page_size=100", StringComparison.Ordinal));
    }

    /// <summary>catalog.ConnectionsAPI List (databricks-sdk-go service/catalog: GET /api/2.1/unity-catalog/connections, ListConnectionsResponse connections/next_page_token).</summary>
    [Fact]
    public async Task Discover_ConnectionsOverSeveralPages_ReportsThemAsTheTargetsAppsLinkTo()
    {
        _ws.Pages("/api/2.1/unity-catalog/connections", "connections",
            ["""{"name":"GitHub_MCP","connection_type":"HTTP","url":"https://api.githubcopilot.com/mcp/?token=should-not-be-kept","credential_type":"BEARER_TOKEN","owner":"platform","options":{"host":"https://api.githubcopilot.com","bearer_token":"ghp_secret"}}"""],
            ["""{"name":"orders_db","connection_type":"POSTGRESQL","read_only":true}"""]);
        _ws.Json("/api/2.0/apps", """{"apps":[{"name":"triage","resources":[{"name":"gh","uc_securable":{"securable_full_name":"GitHub_MCP","securable_type":"CONNECTION","permission":"USE_CONNECTION"}}]}]}""");

        RecordingSink sink = await DiscoverAsync("connections", "apps");

        Assert.Equal([Scope("apps"), Scope("connections")], sink.CompletedScopes.Order());
        DiscoveredAsset github = sink.Single(AssetTypes.DownstreamSystem, $"{_ws.Host}/unity-catalog/connections/github_mcp");
        Assert.Equal("https://api.githubcopilot.com/mcp/", (string?)github.Attributes["url"]);
        Assert.DoesNotContain("ghp_secret", github.Attributes.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("should-not-be-kept", github.Attributes.ToJsonString(), StringComparison.Ordinal);
        sink.Single(AssetTypes.DownstreamSystem, $"{_ws.Host}/unity-catalog/connections/orders_db");
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, $"{_ws.Host}/apps/triage", Relationships.ConnectsTo, AssetTypes.DownstreamSystem, github.Id, Scope("apps")), sink.Edges);
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/unity-catalog/connections" && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_AppsThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _ws.Route("/api/2.0/apps", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeWorkspace.WriteAsync(context, 429, """{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"Too many requests."}""");
            }

            return FakeWorkspace.WriteAsync(context, 200, """{"apps":[{"name":"one"}]}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync("apps");

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        sink.Single(AssetTypes.Agent, $"{_ws.Host}/apps/one");
    }

    /// <summary>A workspace without Apps answers error_code FEATURE_DISABLED; one without an API, ENDPOINT_NOT_FOUND.</summary>
    [Fact]
    public async Task Discover_FeatureDisabled_ReportsThatFamilyUnavailableNotFailed()
    {
        _ws.Json("/api/2.0/apps", """{"error_code":"FEATURE_DISABLED","message":"Databricks Apps is not enabled for this workspace."}""", 400);
        _ws.Json("/api/2.0/genie/spaces", """{"error_code":"ENDPOINT_NOT_FOUND","message":"No API found for 'GET /genie/spaces'"}""", 404);

        RecordingSink sink = await DiscoverAsync("apps", "genie", "mlflow");

        Assert.Equal([Scope("mlflow")], sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Equal([Scope("apps"), Scope("genie")], sink.UnavailableScopes.Keys.Order());
        Assert.Contains("FEATURE_DISABLED", sink.UnavailableScopes[Scope("apps")], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_MlflowGenieAndVectorSearch_ReportsModelsAgentsAndIndexes()
    {
        _ws.Json("/api/2.0/mlflow/registered-models/search", """{"registered_models":[{"name":"ranker","user_id":"u@x.com","latest_versions":[{"name":"ranker","version":"3","current_stage":"Production","status":"READY"}]}]}""");
        _ws.Pages("/api/2.0/genie/spaces", "spaces",
            ["""{"space_id":"01ef","title":"Sales analytics","warehouse_id":"wh1"}"""],
            ["""{"space_id":"02ab","title":"Support","description":"tickets"}"""]);
        _ws.Json("/api/2.0/vector-search/endpoints", """{"endpoints":[{"name":"vs1","endpoint_type":"STANDARD","endpoint_status":{"state":"ONLINE"},"num_indexes":1}]}""");
        _ws.Json("/api/2.0/vector-search/indexes", """{"vector_indexes":[{"name":"main.rag.Docs_Index","endpoint_name":"vs1","index_type":"DELTA_SYNC","primary_key":"id"}]}""");

        RecordingSink sink = await DiscoverAsync("mlflow", "genie", "vector_search");

        Assert.Equal(3, sink.CompletedScopes.Count());
        string host = _ws.Host;
        sink.Single(AssetTypes.Model, $"{host}/mlflow/registered-models/ranker");
        Assert.Equal("Production", sink.Single(AssetTypes.Model, $"{host}/mlflow/registered-models/ranker/versions/3").Attributes["current_stage"]!.GetValue<string>());
        Assert.Equal("Sales analytics", sink.Single(AssetTypes.Agent, $"{host}/genie/spaces/01ef").Name);
        sink.Single(AssetTypes.Agent, $"{host}/genie/spaces/02ab");
        DiscoveredAsset index = sink.Single(AssetTypes.DownstreamSystem, $"{host}/vector-search/indexes/main.rag.docs_index");
        Assert.Equal("DELTA_SYNC", index.Attributes["index_type"]!.GetValue<string>());
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/vector-search/endpoints/vs1" && e.TargetId == index.Id);
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.0/vector-search/indexes" && r.Query.Contains("endpoint_name=vs1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_ThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _ws.Route("/api/2.0/genie/spaces", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeWorkspace.WriteAsync(context, 429, """{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"Too many requests."}""");
            }

            return FakeWorkspace.WriteAsync(context, 200, """{"spaces":[{"space_id":"s1","title":"One"}]}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync("genie");

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Equal([Scope("genie")], sink.CompletedScopes);
        sink.Single(AssetTypes.Agent, $"{_ws.Host}/genie/spaces/s1");
    }

    [Fact]
    public async Task Discover_GenieForbidden_FailsOnlyTheGenieScope()
    {
        _ws.Json("/api/2.0/genie/spaces", """{"error_code":"PERMISSION_DENIED","message":"User does not have permission to list Genie spaces."}""", 403);
        _ws.Json("/api/2.0/serving-endpoints", """{"endpoints":[{"name":"e","config":{}}]}""");

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(9, sink.CompletedScopes.Count());
        string error = Assert.Single(sink.FailedScopes).Value!;
        Assert.Equal(Scope("genie"), Assert.Single(sink.FailedScopes).Key);
        Assert.Contains("PERMISSION_DENIED", error, StringComparison.Ordinal);
        sink.Single(AssetTypes.Endpoint, $"{_ws.Host}/serving-endpoints/e");
    }

    [Theory]
    [InlineData("""{"endpoints":[{"name":"a","config":{"served_entities":[{"name":""")]
    [InlineData("""{"endpoints":{"name":"a"}}""")]
    [InlineData("""{"endpoints":[{"id":"no-name"}]}""")]
    [InlineData("""<html>502 Bad Gateway</html>""")]
    public async Task Discover_MalformedServingResponse_FailsThatScopeCleanly(string body)
    {
        _ws.Json("/api/2.0/serving-endpoints", body);

        RecordingSink sink = await DiscoverAsync("serving", "genie");

        Assert.Equal(Scope("serving"), Assert.Single(sink.FailedScopes).Key);
        Assert.Equal([Scope("genie")], sink.CompletedScopes);
    }

    [Fact]
    public async Task Discover_ResponseCutOffMidBody_FailsThatScopeCleanly()
    {
        _ws.Route("/api/2.1/unity-catalog/models", async context =>
        {
            context.Response.ContentLength = 4096;
            await context.Response.WriteAsync("""{"registered_models":[{"full_name":"main""");
            await context.Response.Body.FlushAsync();
            context.Abort();
        });

        RecordingSink sink = await DiscoverAsync("unity_catalog", "mlflow");

        Assert.Equal(Scope("unity_catalog"), Assert.Single(sink.FailedScopes).Key);
        Assert.Equal([Scope("mlflow")], sink.CompletedScopes);
    }

    [Fact]
    public async Task Discover_PersonalAccessToken_IsSentOnEveryRequest()
    {
        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(10, sink.CompletedScopes.Count());
        Assert.Equal(10, _ws.Server.Requests.Count);
        Assert.All(_ws.Server.Requests, r => Assert.Equal($"Bearer {FakeWorkspace.Pat}", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Discover_OAuthMachineToMachine_GetsOneTokenWithClientCredentialsAndUsesIt()
    {
        const string issued = "eyJhbGciOiJSUzI1NiJ9.oauth-token";
        _ws.AcceptedToken = issued;
        _ws.Route("POST /oidc/v1/token", context => FakeWorkspace.WriteAsync(context, 200, $$"""{"access_token":"{{issued}}","token_type":"Bearer","scope":"all-apis","expires_in":3600}"""));

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["client_id"] = "sp-app-id", ["client_secret"] = "sp-secret" });

        Assert.Equal(10, sink.CompletedScopes.Count());
        var tokenRequest = Assert.Single(_ws.Server.Requests, r => r.Path == "/oidc/v1/token");
        Assert.Equal("POST", tokenRequest.Method);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sp-app-id:sp-secret")), tokenRequest.Headers["Authorization"]);
        Assert.Contains("grant_type=client_credentials", tokenRequest.BodyText, StringComparison.Ordinal);
        Assert.Contains("scope=all-apis", tokenRequest.BodyText, StringComparison.Ordinal);
        Assert.All(_ws.Server.Requests.Where(r => r.Method == "GET"), r => Assert.Equal($"Bearer {issued}", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Discover_OAuthClientRejected_FailsEveryScopeWithoutLeakingTheSecret()
    {
        _ws.Route("POST /oidc/v1/token", context => FakeWorkspace.WriteAsync(context, 401, """{"error":"invalid_client","error_description":"Client authentication failed"}"""));

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["client_id"] = "sp-app-id", ["client_secret"] = "sp-secret" });

        Assert.Empty(sink.CompletedScopes);
        Assert.Equal(10, sink.FailedScopes.Count());
        Assert.All(sink.FailedScopes, s =>
        {
            Assert.Contains("401", s.Value, StringComparison.Ordinal);
            Assert.DoesNotContain("sp-secret", s.Value, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Verify_ValidToken_Succeeds()
    {
        _ws.Json("/api/2.0/preview/scim/v2/Me", """{"userName":"sp@example.com","id":"1"}""");
        await using IPlugin plugin = Create(new JsonObject { ["token"] = FakeWorkspace.Pat });

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public async Task Verify_RejectedToken_FailsNamingTheError()
    {
        await using IPlugin plugin = Create(new JsonObject { ["token"] = "dapi-wrong" });

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.False(result.Success);
        Assert.Contains("UNAUTHENTICATED", result.Error, StringComparison.Ordinal);
    }

    private Task<RecordingSink> DiscoverAsync(params string[] apis) =>
        DiscoverAsync(new JsonObject { ["token"] = FakeWorkspace.Pat }, apis);

    private async Task<RecordingSink> DiscoverAsync(JsonObject auth, params string[] apis)
    {
        if (apis.Length > 0)
        {
            auth["apis"] = string.Join(',', apis);
        }

        await using IPlugin plugin = Create(auth);
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }

    private IPlugin Create(JsonObject raw)
    {
        raw["workspace_url"] = _ws.Server.BaseAddress.ToString();
        var type = new DatabricksPluginType();
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        return type.Create(config, TestPluginContext.Create());
    }
}
