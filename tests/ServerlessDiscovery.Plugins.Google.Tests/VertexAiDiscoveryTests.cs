using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Google.Tests;

public sealed class VertexAiDiscoveryTests
{
    private const string Token = "ya29.test-access-token";
    private const string Prefix = "//aiplatform.googleapis.com/";

    /// <summary>Answers in the documented REST v1 shapes (projects.locations.models/endpoints/tuningJobs list).</summary>
    public static VertexReply Answer(VertexCall call)
    {
        string parent = $"projects/{call.Project}/locations/{call.Location}";
        return (call.Collection, call.PageToken) switch
        {
            ("models", null) => VertexReply.Json(new JsonObject
            {
                ["models"] = new JsonArray(new JsonObject { ["name"] = $"{parent}/models/101", ["displayName"] = "churn", ["versionId"] = "1", ["createTime"] = "2024-01-01T00:00:00Z" }),
                ["nextPageToken"] = "models-2",
            }),
            ("models", "models-2") => VertexReply.Json(new JsonObject
            {
                ["models"] = new JsonArray(new JsonObject { ["name"] = $"{parent}/models/102", ["displayName"] = "fraud", ["versionId"] = "3" }),
            }),
            ("endpoints", null) => VertexReply.Json(new JsonObject
            {
                ["endpoints"] = new JsonArray(new JsonObject
                {
                    ["name"] = $"{parent}/endpoints/201",
                    ["displayName"] = "scoring",
                    ["deployedModels"] = new JsonArray(
                        new JsonObject { ["id"] = "d1", ["model"] = $"{parent}/models/102@3", ["displayName"] = "fraud-v3" },
                        new JsonObject { ["id"] = "d2", ["model"] = "publishers/google/models/gemma-2-9b-it", ["displayName"] = "gemma" }),
                }),
            }),
            ("tuningJobs", null) => VertexReply.Json(new JsonObject
            {
                ["tuningJobs"] = new JsonArray(new JsonObject
                {
                    ["name"] = $"{parent}/tuningJobs/301",
                    ["baseModel"] = "gemini-2.0-flash-001",
                    ["tunedModelDisplayName"] = "support-bot",
                    ["state"] = "JOB_STATE_SUCCEEDED",
                    ["tunedModel"] = new JsonObject { ["model"] = $"{parent}/models/103@1", ["endpoint"] = $"{parent}/endpoints/202" },
                }),
            }),
            // ReasoningEngineService.ListReasoningEngines (reasoning_engine_service.proto): ListReasoningEnginesResponse
            // {reasoningEngines, nextPageToken}; spec, deploymentSpec and env are all optional.
            ("reasoningEngines", null) => VertexReply.Json(new JsonObject
            {
                ["reasoningEngines"] = new JsonArray(new JsonObject
                {
                    ["name"] = $"{parent}/reasoningEngines/501",
                    ["displayName"] = "support-agent",
                    ["spec"] = new JsonObject
                    {
                        ["agentFramework"] = "google-adk",
                        ["serviceAccount"] = $"agent@{call.Project}.iam.gserviceaccount.com",
                        ["classMethods"] = new JsonArray(new JsonObject { ["name"] = "stream_query", ["api_mode"] = "stream" }),
                        ["packageSpec"] = new JsonObject { ["pythonVersion"] = "3.12", ["pickleObjectGcsUri"] = "gs://b/agent.pkl" },
                        ["deploymentSpec"] = new JsonObject
                        {
                            ["env"] = new JsonArray(
                                new JsonObject { ["name"] = "RAG_CORPUS", ["value"] = $"{parent}/ragCorpora/601" },
                                new JsonObject { ["name"] = "API_TOKEN", ["value"] = "tok-secret-value" }),
                        },
                    },
                }),
                ["nextPageToken"] = "engines-2",
            }),
            ("reasoningEngines", "engines-2") => VertexReply.Json(new JsonObject
            {
                ["reasoningEngines"] = new JsonArray(new JsonObject { ["name"] = $"{parent}/reasoningEngines/502", ["displayName"] = "bare" }),
            }),

            // VertexRagDataService.ListRagCorpora (vertex_rag_data_service.proto): {ragCorpora, nextPageToken}; the
            // backend is a oneof (vectorDbConfig or vertexAiSearchConfig), the vector DB another oneof.
            ("ragCorpora", null) => VertexReply.Json(new JsonObject
            {
                ["ragCorpora"] = new JsonArray(new JsonObject
                {
                    ["name"] = $"{parent}/ragCorpora/601",
                    ["displayName"] = "handbook",
                    ["corpusStatus"] = new JsonObject { ["state"] = "ACTIVE" },
                    ["vectorDbConfig"] = new JsonObject
                    {
                        ["vertexVectorSearch"] = new JsonObject { ["indexEndpoint"] = $"{parent}/indexEndpoints/801", ["index"] = $"{parent}/indexes/701" },
                        ["ragEmbeddingModelConfig"] = new JsonObject
                        {
                            ["vertexPredictionEndpoint"] = new JsonObject { ["endpoint"] = $"{parent}/publishers/google/models/text-embedding-005" },
                        },
                    },
                }),
            }),

            // IndexService.ListIndexes / IndexEndpointService.ListIndexEndpoints: {indexes | indexEndpoints, nextPageToken}.
            ("indexes", null) => VertexReply.Json(new JsonObject
            {
                ["indexes"] = new JsonArray(new JsonObject { ["name"] = $"{parent}/indexes/701", ["displayName"] = "handbook-index", ["indexUpdateMethod"] = "STREAM_UPDATE" }),
            }),
            ("indexEndpoints", null) => VertexReply.Json(new JsonObject
            {
                ["indexEndpoints"] = new JsonArray(new JsonObject
                {
                    ["name"] = $"{parent}/indexEndpoints/801",
                    ["displayName"] = "handbook-endpoint",
                    ["publicEndpointDomainName"] = "1.us-central1-1.vdb.vertexai.goog",
                    ["deployedIndexes"] = new JsonArray(new JsonObject { ["id"] = "handbook_v1", ["index"] = $"{parent}/indexes/701" }),
                }),
            }),
            _ => VertexReply.Error(400, "INVALID_ARGUMENT", $"unexpected {call.Collection} {call.PageToken}"),
        };
    }

    private static readonly string[] Families = ["agent_engine", "rag_engine", "vector_search", "vertex_ai"];

    private static IEnumerable<string> ScopesOf(string project, string location) => Families.Select(f => $"gcp:{project}:{location}:{f}");

    [Fact]
    public async Task Discover_TwoProjectsPagedListings_ReportsAssetsEdgesWithBearerOnEveryRequest()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = Answer;
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a", "proj-b"], ["us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(ScopesOf("proj-a", "us-central1").Concat(ScopesOf("proj-b", "us-central1")).Order(), sink.CompletedScopes.Order());
        string parent = "projects/proj-a/locations/us-central1";
        Assert.Equal("churn", sink.Single(AssetTypes.Model, $"{Prefix}{parent}/models/101").Name);
        Assert.Equal("fraud", sink.Single(AssetTypes.Model, $"{Prefix}{parent}/models/102").Name);
        DiscoveredAsset endpoint = sink.Single(AssetTypes.Endpoint, $"{Prefix}{parent}/endpoints/201");
        Assert.Equal(2, endpoint.Attributes["deployed_models"]!.AsArray().Count);
        DiscoveredAsset gemma = sink.Single(AssetTypes.GenerativeModel, $"{Prefix}{parent}/publishers/google/models/gemma-2-9b-it");
        Assert.Equal("google", (string?)gemma.Attributes["publisher"]);
        DiscoveredAsset tuned = sink.Single(AssetTypes.GenerativeModel, $"{Prefix}{parent}/tuningJobs/301");
        Assert.Equal("support-bot", tuned.Name);
        string scope = "gcp:proj-a:us-central1:vertex_ai";
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, $"{Prefix}{parent}/endpoints/201", Relationships.Serves, AssetTypes.Model, $"{Prefix}{parent}/models/102", scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, $"{Prefix}{parent}/endpoints/201", Relationships.Serves, AssetTypes.GenerativeModel, gemma.Id, scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.GenerativeModel, tuned.Id, Relationships.VersionOf, AssetTypes.GenerativeModel, $"{Prefix}{parent}/publishers/google/models/gemini-2.0-flash-001", scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, $"{Prefix}{parent}/endpoints/202", Relationships.Serves, AssetTypes.GenerativeModel, tuned.Id, scope), sink.Edges);

        Assert.Contains(fake.Calls, c => c.Project == "proj-b" && c.Collection == "models" && c.PageToken == "models-2");
        Assert.All(fake.Requests, r => Assert.Equal($"Bearer {Token}", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Discover_TooManyRequestsWithRetryAfterThenSuccess_RetriesAndCompletes()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        int models = 0;
        fake.Handler = call => call.Collection == "models" && call.PageToken is null && Interlocked.Increment(ref models) == 1
            ? VertexReply.Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : Answer(call);
        var sink = new RecordingSink();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(ScopesOf("proj-a", "us-central1").Order(), sink.CompletedScopes.Order());
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not honoured ({watch.Elapsed}).");
        Assert.Equal(2, models);
        Assert.All(fake.Requests, r => Assert.Equal($"Bearer {Token}", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Discover_PermissionDeniedInOneLocation_FailsThatScopeOnly()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = call => call.Location == "europe-west4"
            ? VertexReply.Error(403, "PERMISSION_DENIED", "Permission 'aiplatform.models.list' denied")
            : Answer(call);
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["europe-west4", "us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(ScopesOf("proj-a", "us-central1").Order(), sink.CompletedScopes.Order());
        Assert.Equal(ScopesOf("proj-a", "europe-west4").Order(), sink.FailedScopes.Select(s => s.Key).Order());
        Assert.Empty(sink.UnavailableScopes);
        string error = sink.Scopes["gcp:proj-a:europe-west4:vertex_ai"]!;
        Assert.Contains("PERMISSION_DENIED", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error, StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Assets, a => a.Scope == "gcp:proj-a:europe-west4:vertex_ai");
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("truncated")]
    [InlineData("cut-off")]
    public async Task Discover_BadResponseInOneLocation_FailsThatScopeCleanly(string kind)
    {
        VertexReply bad = kind switch
        {
            "malformed" => new VertexReply(200, "<html>not json</html>"),
            "truncated" => new VertexReply(200, """{"endpoints":[{"name":"projects/proj-a/locations/europe-west4/endpoints/1","deployedModels":[{"""),
            _ => new VertexReply(200, """{"endpoints":[""", CutOff: true),
        };
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = call => call.Location == "europe-west4" && call.Collection == "endpoints" ? bad : Answer(call);
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["europe-west4", "us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.DoesNotContain("gcp:proj-a:europe-west4:vertex_ai", sink.CompletedScopes);
        Assert.Contains("gcp:proj-a:us-central1:vertex_ai", sink.CompletedScopes);
        Assert.Contains("ListEndpoints", sink.Scopes["gcp:proj-a:europe-west4:vertex_ai"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_OneEndpointWithoutName_WarnsAndLeavesTheScopeIncompleteWhileSiblingsAreReported()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = call => call.Collection == "endpoints"
            ? new VertexReply(200, """{"endpoints":[{"displayName":"no name"},{"name":"projects/proj-a/locations/us-central1/endpoints/9","displayName":"ok"}]}""")
            : Answer(call);
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        const string scope = "gcp:proj-a:us-central1:vertex_ai";
        Assert.DoesNotContain(scope, sink.Scopes.Keys);
        (string warnedScope, string warning) = Assert.Single(sink.Warnings);
        Assert.Equal(scope, warnedScope);
        Assert.Contains("ListEndpoints item without a name", warning, StringComparison.Ordinal);
        sink.Single(AssetTypes.Endpoint, $"{Prefix}projects/proj-a/locations/us-central1/endpoints/9");
        sink.Single(AssetTypes.Model, $"{Prefix}projects/proj-a/locations/us-central1/models/102");
    }

    /// <summary>Vertex serves the global location at aiplatform.googleapis.com; global-aiplatform.googleapis.com does not resolve.</summary>
    [Fact]
    public async Task Discover_GlobalLocation_CallsTheUnprefixedHostAndRegionsTheirOwn()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = call => call.Host == (call.Location == "global" ? "aiplatform.vertex.test" : $"{call.Location}-aiplatform.vertex.test")
            ? Answer(call)
            : VertexReply.Error(400, "INVALID_ARGUMENT", $"Location {call.Location} is not served at {call.Host}");
        JsonObject config = Config(fake, ["proj-a"], ["global", "us-central1"]);
        config["vertex_endpoint"] = fake.HostTemplate;
        var sink = new RecordingSink();
        var type = new GoogleVertexAiPluginType();
        PluginConfiguration validated = PluginConfiguration.Validate(type, config).Configuration!;

        await using (IPlugin plugin = type.Create(validated, fake.CreateDnsContext()))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(ScopesOf("proj-a", "global").Concat(ScopesOf("proj-a", "us-central1")).Order(), sink.CompletedScopes.Order());
        Assert.Contains(fake.Calls, c => c.Location == "global" && c.Host == "aiplatform.vertex.test");
        sink.Single(AssetTypes.Model, $"{Prefix}projects/proj-a/locations/global/models/101");
    }

    /// <summary>
    /// TuningJob.source_model (tuning_job.proto, v1) is a oneof: base_model, which for open models is Model Garden's
    /// "{publisher}/{model}@{variant}", or pre_tuned_model for continuous tuning of a tuned Model.
    /// </summary>
    [Fact]
    public async Task Discover_OpenModelAndContinuousTuningJobs_LinkToTheirRealSourceModels()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        string parent = "projects/proj-a/locations/us-central1";
        fake.Handler = call => call.Collection == "tuningJobs"
            ? VertexReply.Json(new JsonObject
            {
                ["tuningJobs"] = new JsonArray(
                    new JsonObject { ["name"] = $"{parent}/tuningJobs/311", ["baseModel"] = "meta/llama3_1@llama-3.1-8b-instruct", ["state"] = "JOB_STATE_SUCCEEDED" },
                    new JsonObject
                    {
                        ["name"] = $"{parent}/tuningJobs/312",
                        ["preTunedModel"] = new JsonObject { ["tunedModelName"] = $"{parent}/models/103@1", ["baseModel"] = "gemini-2.5-flash" },
                    }),
            })
            : Answer(call);
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        string scope = "gcp:proj-a:us-central1:vertex_ai";
        string llama = $"{Prefix}{parent}/publishers/meta/models/llama3_1@llama-3.1-8b-instruct";
        Assert.Equal("meta", (string?)sink.Single(AssetTypes.GenerativeModel, llama).Attributes["publisher"]);
        Assert.Contains(new DiscoveredEdge(AssetTypes.GenerativeModel, $"{Prefix}{parent}/tuningJobs/311", Relationships.VersionOf, AssetTypes.GenerativeModel, llama, scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.GenerativeModel, $"{Prefix}{parent}/tuningJobs/312", Relationships.VersionOf, AssetTypes.Model, $"{Prefix}{parent}/models/103", scope), sink.Edges);
        Assert.DoesNotContain(sink.Assets, a => a.Id.Contains("publishers/google/models/meta", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_AgentEstate_ReportsEnginesCorporaAndIndexesWithEdgesAcrossPages()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = Answer;
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        string parent = $"{Prefix}projects/proj-a/locations/us-central1";
        DiscoveredAsset engine = sink.Single(AssetTypes.Agent, $"{parent}/reasoningEngines/501");
        Assert.Equal("google-adk", (string?)engine.Attributes["agent_framework"]);
        Assert.Equal("stream_query", (string?)engine.Attributes["class_methods"]![0]);
        Assert.DoesNotContain("tok-secret-value", engine.Attributes.ToJsonString(), StringComparison.Ordinal);
        sink.Single(AssetTypes.Agent, $"{parent}/reasoningEngines/502");
        Assert.Contains(fake.Calls, c => c.Collection == "reasoningEngines" && c.PageToken == "engines-2");
        DiscoveredAsset corpus = sink.Single(AssetTypes.DownstreamSystem, $"{parent}/ragCorpora/601");
        Assert.Equal("vertex_vector_search", (string?)corpus.Attributes["vector_db"]);
        sink.Single(AssetTypes.DownstreamSystem, $"{parent}/indexes/701");
        sink.Single(AssetTypes.Endpoint, $"{parent}/indexEndpoints/801");

        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, engine.Id, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, corpus.Id, "gcp:proj-a:us-central1:agent_engine"), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.DownstreamSystem, corpus.Id, Relationships.UsesModel, AssetTypes.GenerativeModel, $"{parent}/publishers/google/models/text-embedding-005", "gcp:proj-a:us-central1:rag_engine"), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.DownstreamSystem, corpus.Id, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, $"{parent}/indexes/701", "gcp:proj-a:us-central1:rag_engine"), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, $"{parent}/indexEndpoints/801", Relationships.Serves, AssetTypes.DownstreamSystem, $"{parent}/indexes/701", "gcp:proj-a:us-central1:vector_search"), sink.Edges);
    }

    [Fact]
    public async Task Discover_ReasoningEnginesThrottledWithRetryAfter_RetriesAndCompletes()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        int engines = 0;
        fake.Handler = call => call.Collection == "reasoningEngines" && call.PageToken is null && Interlocked.Increment(ref engines) == 1
            ? VertexReply.Error(429, "RESOURCE_EXHAUSTED", "Quota exceeded", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : Answer(call);
        var sink = new RecordingSink();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Contains("gcp:proj-a:us-central1:agent_engine", sink.CompletedScopes);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not honoured ({watch.Elapsed}).");
        Assert.Equal(2, engines);
    }

    /// <summary>
    /// A location without Agent Engine or RAG Engine answers 501 UNIMPLEMENTED ("Operation is not implemented, or
    /// supported, or enabled.") or 404; a project without the API enabled answers 403 "... has not been used in project
    /// ... or it is disabled". Each is "not available here": neither failed nor completed.
    /// </summary>
    [Fact]
    public async Task Discover_FamilyNotOfferedInALocation_ReportsItUnavailableNotFailed()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = call => (call.Location, call.Collection) switch
        {
            ("europe-west4", "reasoningEngines") => VertexReply.Error(501, "UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled."),
            ("europe-west4", "ragCorpora") => VertexReply.Error(404, "NOT_FOUND", "The requested URL was not found on this server."),
            ("europe-west4", "indexes") => VertexReply.Error(403, "PERMISSION_DENIED", "Vertex AI API has not been used in project 1234 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/aiplatform.googleapis.com/overview?project=1234 then retry."),
            _ => Answer(call),
        };
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["europe-west4"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(["gcp:proj-a:europe-west4:vertex_ai"], sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Equal(["gcp:proj-a:europe-west4:agent_engine", "gcp:proj-a:europe-west4:rag_engine", "gcp:proj-a:europe-west4:vector_search"], sink.UnavailableScopes.Keys.Order());
        Assert.Contains("UNIMPLEMENTED", sink.UnavailableScopes["gcp:proj-a:europe-west4:agent_engine"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_ServiceAccountKey_GetsTokenFromKeysTokenUriWithSignedJwtAndUsesIt()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        using var rsa = RSA.Create(2048);
        string? assertion = null;
        fake.TokenHandler = request =>
        {
            Dictionary<string, string> form = request.BodyText.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
            assertion = form["assertion"];
            return form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
                ? VertexReply.Json(new JsonObject { ["access_token"] = "ya29.minted-by-fake", ["expires_in"] = 3600, ["token_type"] = "Bearer" })
                : VertexReply.Error(400, "unsupported_grant_type", "bad grant");
        };
        fake.Handler = Answer;
        JsonObject config = Config(fake, ["proj-a"], ["us-central1"]);
        config.Remove("access_token");
        config["service_account_key"] = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "proj-a",
            ["private_key_id"] = "key-1",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "scanner@proj-a.iam.gserviceaccount.com",
            ["client_id"] = "1234567890",
            ["token_uri"] = fake.TokenUri.ToString(),
        }.ToJsonString();
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(config))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(ScopesOf("proj-a", "us-central1").Order(), sink.CompletedScopes.Order());
        Assert.Single(fake.Requests, r => r.Path == "/token");
        Assert.All(fake.Calls, c => Assert.Equal("Bearer ya29.minted-by-fake", c.Request.Headers["Authorization"]));

        // The assertion is an RS256 JWT signed with the key's private key, for the cloud-platform scope. Google.Apis.Auth
        // sends it to the key's token_uri but keeps Google's own token URL as the audience.
        string[] jwt = assertion!.Split('.');
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes($"{jwt[0]}.{jwt[1]}"), Base64Url(jwt[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), "JWT signature does not verify.");
        using JsonDocument claims = JsonDocument.Parse(Base64Url(jwt[1]));
        Assert.Equal("scanner@proj-a.iam.gserviceaccount.com", claims.RootElement.GetProperty("iss").GetString());
        Assert.Equal("https://www.googleapis.com/auth/cloud-platform", claims.RootElement.GetProperty("scope").GetString());
        Assert.Equal("https://oauth2.googleapis.com/token", claims.RootElement.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task Discover_TokenEndpointRefuses_FailsEveryScopeWithoutLeakingTheKey()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        using var rsa = RSA.Create(2048);
        fake.TokenHandler = _ => new VertexReply(400, """{"error":"invalid_grant","error_description":"Invalid JWT Signature."}""");
        fake.Handler = Answer;
        JsonObject config = Config(fake, ["proj-a"], ["us-central1", "europe-west4"]);
        config.Remove("access_token");
        string pem = rsa.ExportPkcs8PrivateKeyPem();
        config["service_account_key"] = new JsonObject
        {
            ["type"] = "service_account",
            ["private_key_id"] = "key-1",
            ["private_key"] = pem,
            ["client_email"] = "scanner@proj-a.iam.gserviceaccount.com",
            ["token_uri"] = fake.TokenUri.ToString(),
        }.ToJsonString();
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(config))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Empty(sink.CompletedScopes);
        Assert.Equal(8, sink.FailedScopes.Count());
        Assert.All(sink.FailedScopes, s =>
        {
            Assert.Contains("invalid_grant", s.Value, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", s.Value, StringComparison.Ordinal);
        });
        Assert.Empty(fake.Calls);
    }

    [Fact]
    public async Task Verify_Reachable_SucceedsWithOneAuthorizedCall()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = Answer;
        await using IPlugin plugin = Create(Config(fake, ["proj-a"], ["us-central1"]));

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.True(result.Success, result.Error);
        VertexCall call = Assert.Single(fake.Calls);
        Assert.Equal("models", call.Collection);
        Assert.Equal($"Bearer {Token}", call.Request.Headers["Authorization"]);
    }

    [Fact]
    public async Task Verify_PermissionDenied_FailsNamingTheStatus()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = _ => VertexReply.Error(403, "PERMISSION_DENIED", "denied");
        await using IPlugin plugin = Create(Config(fake, ["proj-a"], ["us-central1"]));

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.False(result.Success);
        Assert.Contains("PERMISSION_DENIED", result.Error, StringComparison.Ordinal);
    }

    private static byte[] Base64Url(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));

    private static JsonObject Config(FakeVertexAi fake, string[] projects, string[] locations) => new()
    {
        ["projects"] = new JsonArray([.. projects.Select(p => (JsonNode?)JsonValue.Create(p))]),
        ["locations"] = new JsonArray([.. locations.Select(l => (JsonNode?)JsonValue.Create(l))]),
        ["access_token"] = Token,
        ["vertex_endpoint"] = fake.Template,
        ["requests_per_second"] = 0L,
    };

    private static IPlugin Create(JsonObject raw)
    {
        var type = new GoogleVertexAiPluginType();
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        return type.Create(config, TestPluginContext.Create());
    }
}
