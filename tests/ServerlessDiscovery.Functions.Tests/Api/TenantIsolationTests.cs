using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>A key bound to tenant A against tenant B's data, on every instance route.</summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private const string KeyA = "key-for-tenant-a-0123456789";
    private const string KeyB = "key-for-tenant-b-0123456789";
    private const string AdminKey = "admin-key-any-tenant-0123456789";
    private EngineApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = $"{KeyA}@tenant-a;{KeyB}@tenant-b;{AdminKey}" });
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "m1", "s", "m1");
        using HttpClient b = Client(KeyB);
        using HttpResponseMessage created = await b.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "b-inst",
            ["config"] = new JsonObject { ["source"] = source.Name },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    public static TheoryData<string, string> InstanceRoutes => new()
    {
        { "GET", "api/v1/instances/b-inst" },
        { "PUT", "api/v1/instances/b-inst" },
        { "DELETE", "api/v1/instances/b-inst" },
        { "POST", "api/v1/instances/b-inst/verify" },
        { "POST", "api/v1/instances/b-inst/refresh" },
        { "POST", "api/v1/instances/b-inst/start" },
        { "POST", "api/v1/instances/b-inst/stop" },
        { "GET", "api/v1/instances/b-inst/scans" },
    };

    [Theory]
    [MemberData(nameof(InstanceRoutes))]
    public async Task TenantAKey_OnTenantBInstance_Answers404AndChangesNothing(string method, string path)
    {
        using HttpClient a = Client(KeyA);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PUT")
        {
            request.Content = JsonContent.Create(new JsonObject { ["display_name"] = "hijacked" });
        }

        using HttpResponseMessage response = await a.SendAsync(request);
        using HttpClient b = Client(KeyB);
        JsonObject still = (await b.GetFromJsonAsync<JsonObject>("api/v1/instances/b-inst"))!["instance"]!.AsObject();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Fake source", still["display_name"]!.GetValue<string>());
        Assert.True(still["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TenantAKey_Lists_SeeNothingOfTenantB()
    {
        using HttpClient a = Client(KeyA);
        JsonObject instances = (await a.GetFromJsonAsync<JsonObject>("api/v1/instances"))!;
        JsonObject status = (await a.GetFromJsonAsync<JsonObject>("api/v1/status"))!;

        Assert.Equal(0, instances["count"]!.GetValue<int>());
        Assert.Equal(0, status["count"]!.GetValue<int>());
        Assert.Equal("tenant-a", status["tenant"]!.GetValue<string>());
    }

    [Fact]
    public async Task TenantAKey_AskingForTenantB_Answers403()
    {
        using HttpClient a = Client(KeyA);
        a.DefaultRequestHeaders.Add("X-Tenant-Id", "tenant-b");

        using HttpResponseMessage response = await a.GetAsync("api/v1/instances");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task TenantAKey_Creates_InTenantAOnly()
    {
        FakeSource source = FakeSource.Create();
        using HttpClient a = Client(KeyA);
        using HttpResponseMessage created = await a.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "b-inst",
            ["config"] = new JsonObject { ["source"] = source.Name },
        });
        using HttpClient admin = Client(AdminKey);
        admin.DefaultRequestHeaders.Add("X-Tenant-Id", "tenant-a");
        JsonObject inA = (await admin.GetFromJsonAsync<JsonObject>("api/v1/instances/b-inst"))!["instance"]!.AsObject();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(source.Name, inA["config"]!["source"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key-0123456789abcdef", HttpStatusCode.Unauthorized)]
    public async Task MissingOrWrongKey_Answers401Problem(string? key, HttpStatusCode expected)
    {
        using HttpClient client = Client(key);

        using HttpResponseMessage response = await client.GetAsync("api/v1/instances");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task BearerToken_IsAcceptedLikeXApiKey()
    {
        using var client = new HttpClient { BaseAddress = _app.App.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", KeyB);

        JsonObject instances = (await client.GetFromJsonAsync<JsonObject>("api/v1/instances"))!;

        Assert.Equal(1, instances["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("api/openapi/v1.json")]
    [InlineData("api/v1/plugin-types")]
    [InlineData("api/v1/assets")]
    public async Task EveryRouteButHealth_NeedsAKey(string path)
    {
        using HttpClient anonymous = Client(null);
        using HttpClient keyed = Client(KeyA);

        using HttpResponseMessage refused = await anonymous.GetAsync(path);
        using HttpResponseMessage allowed = await keyed.GetAsync(path);
        using HttpResponseMessage otlp = await anonymous.PostAsync("v1/traces", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otlp.StatusCode);
    }

    [Fact]
    public async Task Health_NeedsNoKey()
    {
        using HttpClient client = Client(null);
        using HttpResponseMessage response = await client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = _app.App.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", key);
        }

        return client;
    }
}
