using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Security;

/// <summary>The API-key scheme's edge cases, through the real app: header forms, tenant binding, and every keyed surface.</summary>
public sealed class ApiKeyAuthenticationHandlerTests : IAsyncLifetime
{
    private const string KeyA = "bound-key-tenant-a-0123456789";
    private const string AdminKey = "admin-key-any-tenant-0123456789";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(new Dictionary<string, string?>
    {
        ["Api:Keys"] = $"{KeyA}@tenant-a;{AdminKey}",
        ["Otlp:FlushInterval"] = "01:00:00",
    });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Theory]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    [InlineData("bEaReR")]
    public async Task Bearer_AnyCasing_IsAccepted(string scheme)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "api/v1/status", ("Authorization", $"{scheme} {AdminKey}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    [InlineData("Basic YWRtaW46cGFzcw==")]
    public async Task Authorization_WithoutABearerKey_Answers401KeyRequired(string authorization)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "api/v1/status", ("Authorization", authorization));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized", "An API key is required: send it as x-api-key or Authorization: Bearer.");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task EmptyXApiKey_Answers401KeyRequired()
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "api/v1/status", ("x-api-key", ""));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized", "An API key is required: send it as x-api-key or Authorization: Bearer.");
    }

    [Fact]
    public async Task UnknownKey_Answers401NotValid_WithoutEchoingTheKey()
    {
        const string unknown = "unknown-key-0123456789abcdef";
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "api/v1/status", ("x-api-key", unknown));

        string body = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthorized", "The API key is not valid.");
        Assert.DoesNotContain(unknown, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothHeaders_XApiKeyDecides()
    {
        using HttpResponseMessage xApiKeyValid = await SendAsync(HttpMethod.Get, "api/v1/status", ("x-api-key", AdminKey), ("Authorization", "Bearer not-a-key-0123456789"));
        using HttpResponseMessage xApiKeyWrong = await SendAsync(HttpMethod.Get, "api/v1/status", ("x-api-key", "not-a-key-0123456789"), ("Authorization", $"Bearer {AdminKey}"));

        Assert.Equal(HttpStatusCode.OK, xApiKeyValid.StatusCode);
        await AssertProblemAsync(xApiKeyWrong, HttpStatusCode.Unauthorized, "Unauthorized", "The API key is not valid.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("X-Tenant-Id")]
    [InlineData("X-Integration-Id")]
    public async Task BoundKey_NoOrMatchingTenantHeader_ActsOnItsTenant(string? header)
    {
        (string, string)[] headers = header is null ? [("x-api-key", KeyA)] : [("x-api-key", KeyA), (header, "tenant-a")];

        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "api/v1/status", headers);
        JsonObject status = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tenant-a", status["tenant"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("X-Tenant-Id")]
    [InlineData("X-Integration-Id")]
    public async Task BoundKey_OtherTenantHeader_Answers403Problem(string header)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "api/v1/status", ("x-api-key", KeyA), (header, "tenant-b"));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "Forbidden", "This API key is bound to another tenant.");
    }

    [Fact]
    public async Task UnboundKey_AnyTenantHeader_ActsOnThatTenant()
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "api/v1/status", ("x-api-key", AdminKey), ("X-Integration-Id", "tenant-b"));
        JsonObject status = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("tenant-b", status["tenant"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(AdminKey)]
    [InlineData(null)]
    public async Task MalformedTenantId_Answers400Problem_WithOrWithoutAKey(string? key)
    {
        (string, string)[] headers = key is null ? [("X-Tenant-Id", "no spaces allowed")] : [("x-api-key", key), ("X-Tenant-Id", "no spaces allowed")];

        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "api/v1/status", headers);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Bad request", "X-Tenant-Id, X-Integration-Id and ?integration_id= must be 1-64 letters, digits, '-' or '_'.");
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task OpenApiDocument_BehindTheKey()
    {
        using HttpResponseMessage anonymous = await SendAsync(HttpMethod.Get, "api/openapi/v1.json");
        using HttpResponseMessage otherTenant = await SendAsync(HttpMethod.Get, "api/openapi/v1.json", ("x-api-key", KeyA), ("X-Tenant-Id", "tenant-b"));
        using HttpResponseMessage bearer = await SendAsync(HttpMethod.Get, "api/openapi/v1.json", ("Authorization", $"Bearer {KeyA}"));

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "Unauthorized", "An API key is required: send it as x-api-key or Authorization: Bearer.");
        await AssertProblemAsync(otherTenant, HttpStatusCode.Forbidden, "Forbidden", "This API key is bound to another tenant.");
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public async Task Otlp_BehindTheKey_BoundKeyWritesToItsTenant()
    {
        string model = "m-" + Guid.NewGuid().ToString("N")[..8];
        using HttpResponseMessage anonymous = await SendAsync(HttpMethod.Post, "v1/traces", OtlpJson(model));
        using HttpResponseMessage otherTenant = await SendAsync(HttpMethod.Post, "v1/traces", OtlpJson(model), ("x-api-key", KeyA), ("X-Tenant-Id", "tenant-b"));
        using HttpResponseMessage accepted = await SendAsync(HttpMethod.Post, "v1/traces", OtlpJson(model), ("x-api-key", KeyA));
        await _app.Get<TraceFlusher>().FlushAsync();
        using HttpResponseMessage inA = await SendAsync(HttpMethod.Get, "api/v1/models", ("x-api-key", KeyA));
        using HttpResponseMessage inB = await SendAsync(HttpMethod.Get, "api/v1/models", ("x-api-key", AdminKey), ("X-Tenant-Id", "tenant-b"));

        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "Unauthorized", "An API key is required: send it as x-api-key or Authorization: Bearer.");
        await AssertProblemAsync(otherTenant, HttpStatusCode.Forbidden, "Forbidden", "This API key is bound to another tenant.");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains($"openai/{model}", await inA.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(model, await inB.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_NeedsNoKey_EvenWithABadTenantHeader()
    {
        using HttpResponseMessage health = await SendAsync(HttpMethod.Get, "healthz", ("X-Tenant-Id", "no spaces allowed"));
        using HttpResponseMessage ready = await SendAsync(HttpMethod.Get, "readyz", ("x-api-key", "not-a-key-0123456789"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, params (string Name, string Value)[] headers) =>
        SendAsync(method, path, json: null, headers);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach ((string name, string value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value));
        }

        return await _app.Client.SendAsync(request);
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string detail)
    {
        string body = await response.Content.ReadAsStringAsync();
        JsonObject problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Equal(title, problem["title"]!.GetValue<string>());
        Assert.Equal(detail, problem["detail"]!.GetValue<string>());
        return body;
    }

    private static string OtlpJson(string model) => new JsonObject
    {
        ["resourceSpans"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject { ["attributes"] = new JsonArray(Attr("service.name", "keyed-app")) },
            ["scopeSpans"] = new JsonArray(new JsonObject
            {
                ["spans"] = new JsonArray(new JsonObject
                {
                    ["traceId"] = Guid.NewGuid().ToString("N"),
                    ["spanId"] = Guid.NewGuid().ToString("N")[..16],
                    ["name"] = "chat " + model,
                    ["kind"] = 3,
                    ["startTimeUnixNano"] = "1732000000000000000",
                    ["endTimeUnixNano"] = "1732000001000000000",
                    ["attributes"] = new JsonArray(
                        Attr("gen_ai.operation.name", "chat"),
                        Attr("gen_ai.provider.name", "openai"),
                        Attr("gen_ai.request.model", model)),
                }),
            }),
        }),
    }.ToJsonString();

    private static JsonObject Attr(string key, string value) => new() { ["key"] = key, ["value"] = new JsonObject { ["stringValue"] = value } };
}
