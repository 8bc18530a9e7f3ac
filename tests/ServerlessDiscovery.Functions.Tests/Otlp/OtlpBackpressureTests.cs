using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Otlp;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Otlp;

/// <summary>Memory stays bounded: past Otlp__MaxPendingAssets new assets are refused with 429 until a flush.</summary>
public sealed class OtlpBackpressureTests
{
    [Fact]
    public async Task PendingAssetsAtTheBound_NewAssets429WithRetryAfter_KnownAssetsStillAccepted_FlushFrees()
    {
        await using EngineApp app = await EngineApp.StartAsync(new Dictionary<string, string?>
        {
            ["Otlp:MaxPendingAssets"] = "100",
            ["Otlp:FlushInterval"] = "01:00:00",
        });
        using var client = new HttpClient { BaseAddress = app.App.BaseAddress };

        HttpStatusCode fill = await PostAsync(client, Enumerable.Range(0, 100).Select(i => $"model-{i:D3}"));
        using HttpResponseMessage refused = await PostRawAsync(client, ["model-new"]);
        HttpStatusCode known = await PostAsync(client, ["model-007"]);
        await app.App.Get<TraceFlusher>().FlushAsync();
        HttpStatusCode afterFlush = await PostAsync(client, ["model-new"]);

        Assert.Equal(HttpStatusCode.OK, fill);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromHours(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, known);
        Assert.Equal(HttpStatusCode.OK, afterFlush);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, IEnumerable<string> models)
    {
        using HttpResponseMessage response = await PostRawAsync(client, models);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, IEnumerable<string> models)
    {
        var spans = new JsonArray([.. models.Select(m => (JsonNode?)new JsonObject
        {
            ["traceId"] = Guid.NewGuid().ToString("N"),
            ["spanId"] = Guid.NewGuid().ToString("N")[..16],
            ["name"] = "chat " + m,
            ["attributes"] = new JsonArray(
                new JsonObject { ["key"] = "gen_ai.provider.name", ["value"] = new JsonObject { ["stringValue"] = "openai" } },
                new JsonObject { ["key"] = "gen_ai.request.model", ["value"] = new JsonObject { ["stringValue"] = m } }),
        })]);
        string body = new JsonObject { ["resourceSpans"] = new JsonArray(new JsonObject { ["scopeSpans"] = new JsonArray(new JsonObject { ["spans"] = spans }) }) }.ToJsonString();
        return client.PostAsync("v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));
    }
}
