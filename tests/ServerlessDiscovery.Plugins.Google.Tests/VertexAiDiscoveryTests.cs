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
            _ => VertexReply.Error(400, "INVALID_ARGUMENT", $"unexpected {call.Collection} {call.PageToken}"),
        };
    }

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

        Assert.Equal(["gcp:proj-a:us-central1:vertex_ai", "gcp:proj-b:us-central1:vertex_ai"], sink.CompletedScopes.Order());
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

        Assert.Equal(["gcp:proj-a:us-central1:vertex_ai"], sink.CompletedScopes);
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

        Assert.Equal(["gcp:proj-a:us-central1:vertex_ai"], sink.CompletedScopes);
        string error = sink.Scopes["gcp:proj-a:europe-west4:vertex_ai"]!;
        Assert.Contains("PERMISSION_DENIED", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, error, StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Assets, a => a.Scope == "gcp:proj-a:europe-west4:vertex_ai");
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("truncated")]
    [InlineData("cut-off")]
    [InlineData("missing-name")]
    public async Task Discover_BadResponseInOneLocation_FailsThatScopeCleanly(string kind)
    {
        VertexReply bad = kind switch
        {
            "malformed" => new VertexReply(200, "<html>not json</html>"),
            "truncated" => new VertexReply(200, """{"endpoints":[{"name":"projects/proj-a/locations/europe-west4/endpoints/1","deployedModels":[{"""),
            "cut-off" => new VertexReply(200, """{"endpoints":[""", CutOff: true),
            _ => new VertexReply(200, """{"endpoints":[{"displayName":"no name"}]}"""),
        };
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        fake.Handler = call => call.Location == "europe-west4" && call.Collection == "endpoints" ? bad : Answer(call);
        var sink = new RecordingSink();

        await using (IPlugin plugin = Create(Config(fake, ["proj-a"], ["europe-west4", "us-central1"])))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(["gcp:proj-a:us-central1:vertex_ai"], sink.CompletedScopes);
        Assert.Contains("ListEndpoints", sink.Scopes["gcp:proj-a:europe-west4:vertex_ai"], StringComparison.Ordinal);
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

        Assert.Equal(["gcp:proj-a:us-central1:vertex_ai"], sink.CompletedScopes);
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
        Assert.Equal(2, sink.FailedScopes.Count());
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
