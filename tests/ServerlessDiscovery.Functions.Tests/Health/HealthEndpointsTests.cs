using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Health;

/// <summary>/healthz and /readyz on the framework's health checks: the 503 problem names what is down, check by check.</summary>
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Readyz_ACheckFails_Answers503ProblemNamingItWithEveryCheck()
    {
        await using TestApp app = await StartWithCheckAsync("queue", _ => Task.FromResult(HealthCheckResult.Unhealthy("the queue refused the request (403).")));

        using HttpResponseMessage ready = await app.Client.GetAsync("/readyz");
        using HttpResponseMessage health = await app.Client.GetAsync("/healthz");
        JsonObject problem = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("application/problem+json", ready.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Not ready", problem["title"]!.GetValue<string>());
        Assert.Equal(503, problem["status"]!.GetValue<int>());
        Assert.Equal("https://serverlessdiscovery.dev/problems/not-ready", problem["type"]!.GetValue<string>());
        Assert.Equal("Not ready: queue: the queue refused the request (403).", problem["detail"]!.GetValue<string>());
        Assert.Equal("the queue refused the request (403).", problem["checks"]!["queue"]!.GetValue<string>());
        Assert.Equal("ready", problem["checks"]!["tableStorage"]!.GetValue<string>());
        Assert.Equal("ready", problem["checks"]!["eventSink"]!.GetValue<string>());
        Assert.Equal("ready", problem["checks"]!["deliveriesQueue"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("healthy", (await health.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readyz_ACheckThrows_ReportsTheTypeNotTheMessage()
    {
        await using TestApp app = await StartWithCheckAsync("vault", _ => throw new InvalidOperationException("AccountKey=do-not-leak-me"));

        using HttpResponseMessage ready = await app.Client.GetAsync("/readyz");
        string body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("failed: InvalidOperationException", JsonNode.Parse(body)!["checks"]!["vault"]!.GetValue<string>());
        Assert.DoesNotContain("do-not-leak-me", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_ACheckHangs_IsNotReadyAfterTheBound()
    {
        await using TestApp app = await StartWithCheckAsync("hung", async ct =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return HealthCheckResult.Healthy();
        });

        using HttpResponseMessage ready = await app.Client.GetAsync("/readyz");
        JsonObject problem = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("did not answer within 5 s", problem["checks"]!["hung"]!.GetValue<string>());
        Assert.Equal("ready", problem["checks"]!["tableStorage"]!.GetValue<string>());
    }

    [Fact]
    public async Task HealthRoutes_AnswerGetOnly()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage post = await app.Client.PostAsync("/healthz", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesHealthPluginTypesAndWebhooksReplies()
    {
        await using TestApp app = await TestApp.StartAsync();

        JsonObject doc = (await app.Client.GetFromJsonAsync<JsonObject>("/api/openapi/v1.json"))!;
        JsonObject paths = doc["paths"]!.AsObject();

        Assert.Contains("checks", Properties(doc, paths["/readyz"]!["get"]!["responses"]!["200"]!));
        Assert.Contains("detail", Properties(doc, paths["/readyz"]!["get"]!["responses"]!["503"]!));
        Assert.Contains("status", Properties(doc, paths["/healthz"]!["get"]!["responses"]!["200"]!));
        Assert.Contains("plugin_types", Properties(doc, paths["/api/v1/plugin-types"]!["get"]!["responses"]!["200"]!));
        Assert.Contains("webhooks", Properties(doc, paths["/api/v1/instances/{id}/webhooks"]!["get"]!["responses"]!["200"]!));
        Assert.Contains("secret", Properties(doc, paths["/api/v1/instances/{id}/webhooks"]!["post"]!["responses"]!["200"]!));
    }

    /// <summary>The property names of a response's schema, following a $ref into components.</summary>
    private static IEnumerable<string> Properties(JsonObject doc, JsonNode response)
    {
        JsonNode schema = response["content"]!.AsObject().Single().Value!["schema"]!;
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = doc["components"]!["schemas"]![reference.Split('/')[^1]]!;
        }

        return schema["properties"]!.AsObject().Select(p => p.Key);
    }

    private static Task<TestApp> StartWithCheckAsync(string name, Func<CancellationToken, Task<HealthCheckResult>> check) =>
        TestApp.StartAsync(services: s => s.AddHealthChecks().AddAsyncCheck(name, check, tags: ["ready"]));
}
