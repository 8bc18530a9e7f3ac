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

    [Fact]
    public async Task Discover_ServingEndpoints_ReportsFoundationExternalAndCustomServedEntities()
    {
        _ws.Json("/api/2.0/serving-endpoints", """
            {"endpoints":[
              {"name":"llama","id":"e1","creator":"a@b.com","state":{"ready":"READY","config_update":"NOT_UPDATING"},"task":"llm/v1/chat",
               "config":{"served_entities":[{"name":"llama-3","entity_name":"system.ai.meta_llama_v3_3_70b_instruct","entity_version":"1","foundation_model":{"name":"databricks-meta-llama-3-3-70b-instruct","display_name":"Meta Llama 3.3 70B Instruct"}}]}},
              {"name":"gpt","id":"e2","state":{"ready":"READY"},
               "config":{"served_entities":[{"name":"gpt-4o","external_model":{"provider":"openai","name":"gpt-4o","task":"llm/v1/chat"}}]}},
              {"name":"churn","id":"e3","state":{"ready":"NOT_READY"},
               "config":{"served_entities":[{"name":"churn-2","entity_name":"Main.ML.Churn","entity_version":"2","workload_size":"Small","scale_to_zero_enabled":true}],
                         "served_models":[{"name":"legacy","model_name":"fraud","model_version":"7"}]}}
            ]}
            """);

        RecordingSink sink = await DiscoverAsync("serving");

        Assert.Equal([Scope("serving")], sink.CompletedScopes);
        string host = _ws.Host;
        Assert.Equal("READY", sink.Single(AssetTypes.Endpoint, $"{host}/serving-endpoints/llama").Attributes["ready"]!.GetValue<string>());
        DiscoveredAsset foundation = sink.Single(AssetTypes.Deployment, $"{host}/serving-endpoints/llama/served-entities/llama-3");
        Assert.Equal("foundation_model", foundation.Attributes["kind"]!.GetValue<string>());
        sink.Single(AssetTypes.Model, "databricks/databricks-meta-llama-3-3-70b-instruct");
        sink.Single(AssetTypes.Model, "openai/gpt-4o");
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/serving-endpoints/gpt/served-entities/gpt-4o" && e.Relationship == Relationships.Serves && e.TargetId == "openai/gpt-4o");

        // Custom models are linked to the registry's version, not reported from the serving scope.
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/serving-endpoints/churn/served-entities/churn-2" && e.TargetId == $"{host}/unity-catalog/models/main.ml.churn/versions/2");
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/serving-endpoints/churn/served-entities/legacy" && e.TargetId == $"{host}/mlflow/registered-models/fraud/versions/7");
        Assert.DoesNotContain(sink.Assets, a => a.Id.Contains("/unity-catalog/", StringComparison.Ordinal));
        Assert.Contains(sink.Edges, e => e.SourceId == $"{host}/serving-endpoints/churn" && e.Relationship == Relationships.Contains);
    }

    [Fact]
    public async Task Discover_UnityCatalogModelsOverSeveralPages_ReportsEveryModelAndVersion()
    {
        _ws.Pages("/api/2.1/unity-catalog/models", "registered_models",
            ["""{"full_name":"main.ml.churn","catalog_name":"main","schema_name":"ml","name":"churn","owner":"ds-team"}"""],
            ["""{"full_name":"main.ml.fraud","catalog_name":"main","schema_name":"ml","name":"fraud"}"""]);
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

        Assert.Equal(4, sink.CompletedScopes.Count());
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

        Assert.Equal(5, sink.CompletedScopes.Count());
        Assert.Equal(5, _ws.Server.Requests.Count);
        Assert.All(_ws.Server.Requests, r => Assert.Equal($"Bearer {FakeWorkspace.Pat}", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Discover_OAuthMachineToMachine_GetsOneTokenWithClientCredentialsAndUsesIt()
    {
        const string issued = "eyJhbGciOiJSUzI1NiJ9.oauth-token";
        _ws.AcceptedToken = issued;
        _ws.Route("POST /oidc/v1/token", context => FakeWorkspace.WriteAsync(context, 200, $$"""{"access_token":"{{issued}}","token_type":"Bearer","scope":"all-apis","expires_in":3600}"""));

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["client_id"] = "sp-app-id", ["client_secret"] = "sp-secret" });

        Assert.Equal(5, sink.CompletedScopes.Count());
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
        Assert.Equal(5, sink.FailedScopes.Count());
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
