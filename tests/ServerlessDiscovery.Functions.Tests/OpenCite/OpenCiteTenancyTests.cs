using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// Two integrations, as LangGuard-AI/open-cite's tests/test_cross_integration_boundary.py seeds them (integration-aaaa-1111
/// and integration-bbbb-2222, each sending OTLP spans with X-Integration-Id), read back with ?integration_id= and
/// X-Integration-Id as its clients do: neither integration ever sees the other's instances or assets, an unknown
/// integration sees nothing, and no request falls back to the default tenant.
/// </summary>
public sealed class OpenCiteTenancyTests : IAsyncLifetime
{
    private const string IntegrationA = "integration-aaaa-1111";
    private const string IntegrationB = "integration-bbbb-2222";
    private const string AdminKey = "admin-key-any-integration-0123456789";
    private const string KeyA = "key-bound-to-integration-a-0123456789";
    private TestApp _app = null!;
    private string _modelA = null!;
    private string _modelB = null!;
    private string _modelDefault = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Api:Keys"] = $"{AdminKey};{KeyA}@{IntegrationA}",
            ["Otlp:FlushInterval"] = "01:00:00",
        });
        string run = Guid.NewGuid().ToString("N")[..8];
        (_modelA, _modelB, _modelDefault) = ($"gpt-4o-{run}", $"claude-3-opus-{run}", $"default-model-{run}");
        await SendAsync(HttpMethod.Post, "v1/traces", HttpStatusCode.OK, AdminKey, Otlp("alpha-service", _modelA), ("X-Integration-Id", IntegrationA));
        await SendAsync(HttpMethod.Post, "v1/traces", HttpStatusCode.OK, AdminKey, Otlp("beta-service", _modelB), ("X-Integration-Id", IntegrationB));
        await SendAsync(HttpMethod.Post, "v1/traces", HttpStatusCode.OK, AdminKey, Otlp("default-service", _modelDefault));
        await _app.Get<TraceFlusher>().FlushAsync();

        await SendAsync(HttpMethod.Post, $"api/v1/instances?integration_id={IntegrationA}", HttpStatusCode.Created, AdminKey, Instance("otel-a"));
        await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.Created, AdminKey, Instance("otel-b"), ("X-Integration-Id", IntegrationB));
        await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.Created, AdminKey, Instance("otel-default"));
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    public static TheoryData<string> ByQueryOrHeader => new() { "query", "header" };

    [Theory]
    [MemberData(nameof(ByQueryOrHeader))]
    public async Task Models_FilteredByIntegration_OnlyThatIntegrationsItemsTaggedWithIt(string form)
    {
        JsonObject a = await ReadAsync("api/v1/models", IntegrationA, form);
        JsonObject b = await ReadAsync("api/v1/models", IntegrationB, form);

        string textA = a.ToJsonString();
        string textB = b.ToJsonString();
        Assert.Contains(_modelA, textA, StringComparison.Ordinal);
        Assert.DoesNotContain(_modelB, textA, StringComparison.Ordinal);
        Assert.DoesNotContain(_modelDefault, textA, StringComparison.Ordinal);
        Assert.Contains(_modelB, textB, StringComparison.Ordinal);
        Assert.DoesNotContain(_modelA, textB, StringComparison.Ordinal);
        Assert.All(a["models"]!.AsArray(), m => Assert.Equal([IntegrationA], m!["metadata"]!["integration_ids"]!.AsArray().Select(i => i!.GetValue<string>())));
        Assert.All(b["models"]!.AsArray(), m => Assert.Equal([IntegrationB], m!["metadata"]!["integration_ids"]!.AsArray().Select(i => i!.GetValue<string>())));
    }

    [Theory]
    [MemberData(nameof(ByQueryOrHeader))]
    public async Task Instances_FilteredByIntegration_NeitherSeesTheOther(string form)
    {
        JsonObject a = await ReadAsync("api/v1/instances", IntegrationA, form);
        JsonObject b = await ReadAsync("api/v1/instances", IntegrationB, form);

        // "otlp" is the instance each tenant's first OTLP request made for trace-derived assets.
        Assert.Equal(["otel-a", "otlp"], Ids(a));
        Assert.Equal(["otel-b", "otlp"], Ids(b));
    }

    [Theory]
    [InlineData("GET", "api/v1/instances/otel-b")]
    [InlineData("PUT", "api/v1/instances/otel-b")]
    [InlineData("DELETE", "api/v1/instances/otel-b")]
    [InlineData("POST", "api/v1/instances/otel-b/stop")]
    [InlineData("POST", "api/v1/instances/otel-b/verify")]
    [InlineData("GET", "api/v1/instances/otel-b/webhooks")]
    public async Task OtherIntegrationsInstance_404AndUnchanged(string method, string path)
    {
        JsonObject? body = method == "PUT" ? new JsonObject { ["display_name"] = "hijacked" } : null;

        JsonObject problem = await SendAsync(new HttpMethod(method), $"{path}?integration_id={IntegrationA}", HttpStatusCode.NotFound, AdminKey, body);
        JsonObject still = await SendAsync(HttpMethod.Get, $"api/v1/instances/otel-b?integration_id={IntegrationB}", HttpStatusCode.OK, AdminKey);

        Assert.Equal("No instance 'otel-b' in this tenant.", problem["error"]!.GetValue<string>());
        Assert.Equal("running", still["instance"]!["status"]!.GetValue<string>());
        Assert.Equal("OpenTelemetry traces", still["instance"]!["display_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownIntegration_SeesNothing_NotTheDefaultTenant()
    {
        // test_nonexistent_integration_returns_empty: ?integration_id=does-not-exist → every list empty.
        JsonObject models = await ReadAsync("api/v1/models", "does-not-exist", "query");
        JsonObject instances = await ReadAsync("api/v1/instances", "does-not-exist", "query");

        Assert.Equal(0, models["count"]!.GetValue<int>());
        Assert.Equal(0, instances["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task NoIntegration_IsTheDefaultTenantOnly_NotAUnionOfIntegrations()
    {
        // Deliberate difference: OpenCITE's unfiltered read returns every integration's items
        // (test_unfiltered_returns_both_integrations); here each integration is a tenant, and a read that names none
        // reads the default tenant alone.
        JsonObject models = await SendAsync(HttpMethod.Get, "api/v1/models", HttpStatusCode.OK, AdminKey);
        JsonObject instances = await SendAsync(HttpMethod.Get, "api/v1/instances", HttpStatusCode.OK, AdminKey);

        string text = models.ToJsonString();
        Assert.Contains(_modelDefault, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_modelA, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_modelB, text, StringComparison.Ordinal);
        Assert.Equal(["otel-default", "otlp"], Ids(instances));
    }

    [Fact]
    public async Task QueryAndHeaderDisagree_400_NeitherWins()
    {
        JsonObject problem = await SendAsync(HttpMethod.Get, $"api/v1/instances?integration_id={IntegrationA}", HttpStatusCode.BadRequest, AdminKey, null, ("X-Integration-Id", IntegrationB));
        JsonObject twoQueries = await SendAsync(HttpMethod.Get, $"api/v1/instances?integration_id={IntegrationA}&integration_id={IntegrationB}", HttpStatusCode.BadRequest, AdminKey);
        JsonObject agree = await SendAsync(HttpMethod.Get, $"api/v1/instances?integration_id={IntegrationA}", HttpStatusCode.OK, AdminKey, null, ("X-Integration-Id", IntegrationA));

        Assert.Equal("X-Tenant-Id, X-Integration-Id and ?integration_id= name different tenants; send one, or the same id in each.", problem["error"]!.GetValue<string>());
        Assert.Equal(problem["error"]!.GetValue<string>(), twoQueries["error"]!.GetValue<string>());
        Assert.Equal(["otel-a", "otlp"], Ids(agree));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has%20space")]
    public async Task MalformedOrEmptyIntegration_400(string integration)
    {
        JsonObject problem = await SendAsync(HttpMethod.Get, $"api/v1/instances?integration_id={integration}", HttpStatusCode.BadRequest, AdminKey);

        Assert.Equal("X-Tenant-Id, X-Integration-Id and ?integration_id= must be 1-64 letters, digits, '-' or '_'.", problem["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task KeyBoundToIntegrationA_AskingForB_403Problem_OwnIntegrationWorks()
    {
        JsonObject byQuery = await SendAsync(HttpMethod.Get, $"api/v1/models?integration_id={IntegrationB}", HttpStatusCode.Forbidden, KeyA);
        JsonObject byHeader = await SendAsync(HttpMethod.Get, "api/v1/instances", HttpStatusCode.Forbidden, KeyA, null, ("X-Integration-Id", IntegrationB));
        JsonObject own = await SendAsync(HttpMethod.Get, $"api/v1/instances?integration_id={IntegrationA}", HttpStatusCode.OK, KeyA);
        JsonObject implicitOwn = await SendAsync(HttpMethod.Get, "api/v1/instances", HttpStatusCode.OK, KeyA);

        Assert.Equal("This API key is bound to another tenant.", byQuery["error"]!.GetValue<string>());
        Assert.Equal(403, byHeader["status"]!.GetValue<int>());
        Assert.Equal(["otel-a", "otlp"], Ids(own));
        Assert.Equal(["otel-a", "otlp"], Ids(implicitOwn));
    }

    [Fact]
    public async Task NoKey_401WithErrorMember()
    {
        // Deliberate difference: OpenCITE's API has no authentication; here Api__Keys, when set, guards every route.
        JsonObject problem = await SendAsync(HttpMethod.Get, $"api/v1/instances?integration_id={IntegrationA}", HttpStatusCode.Unauthorized, key: null);

        Assert.Equal("An API key is required: send it as x-api-key or Authorization: Bearer.", problem["error"]!.GetValue<string>());
    }

    private static IEnumerable<string> Ids(JsonObject list) => list["instances"]!.AsArray().Select(i => i!["instance_id"]!.GetValue<string>());

    private Task<JsonObject> ReadAsync(string path, string integration, string form) => form == "query"
        ? SendAsync(HttpMethod.Get, $"{path}?integration_id={integration}", HttpStatusCode.OK, AdminKey)
        : SendAsync(HttpMethod.Get, path, HttpStatusCode.OK, AdminKey, null, ("X-Integration-Id", integration));

    private static JsonObject Instance(string id) => new() { ["plugin_type"] = "opentelemetry", ["instance_id"] = id, ["config"] = new JsonObject(), ["auto_start"] = true };

    /// <summary>One span as test_cross_integration_boundary.py's _otlp_payload builds it: gen_ai.request.model and gen_ai.system.</summary>
    private static JsonObject Otlp(string service, string model) => new()
    {
        ["resourceSpans"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject { ["attributes"] = new JsonArray(Attribute("service.name", service)) },
            ["scopeSpans"] = new JsonArray(new JsonObject
            {
                ["scope"] = new JsonObject { ["name"] = "test" },
                ["spans"] = new JsonArray(new JsonObject
                {
                    ["traceId"] = Guid.NewGuid().ToString("N"),
                    ["spanId"] = Guid.NewGuid().ToString("N")[..16],
                    ["name"] = $"chat {model}",
                    ["kind"] = 3,
                    ["startTimeUnixNano"] = "1700000000000000000",
                    ["endTimeUnixNano"] = "1700000001000000000",
                    ["attributes"] = new JsonArray(Attribute("gen_ai.request.model", model), Attribute("gen_ai.system", "openai")),
                }),
            }),
        }),
    };

    private static JsonObject Attribute(string key, string value) => new() { ["key"] = key, ["value"] = new JsonObject { ["stringValue"] = value } };

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpStatusCode expected, string? key, JsonObject? body = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        foreach ((string name, string value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using HttpResponseMessage response = await _app.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!.AsObject();
    }
}
