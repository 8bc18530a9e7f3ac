using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Functions.Tests.Otlp;

/// <summary>OTLP/JSON trace requests (the OTLP/HTTP JSON encoding: hex ids, int64 as strings) and reads of what they became.</summary>
internal static class OtlpRequests
{
    /// <summary>One chat span per model, each with the given token counts.</summary>
    public static StringContent Models(IEnumerable<string> models, int inputTokens = 0, int outputTokens = 0, params (string Key, string Value)[] extra) =>
        Body(models.Select(m => Span("chat " + m, [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", m), .. extra], inputTokens, outputTokens)));

    public static StringContent Body(IEnumerable<JsonObject> spans) => new(new JsonObject
    {
        ["resourceSpans"] = new JsonArray(new JsonObject
        {
            ["scopeSpans"] = new JsonArray(new JsonObject { ["spans"] = new JsonArray([.. spans]) }),
        }),
    }.ToJsonString(), Encoding.UTF8, "application/json");

    public static JsonObject Span(string name, IEnumerable<(string Key, string Value)> attributes, int inputTokens = 0, int outputTokens = 0, string? traceId = null, string? spanId = null, string? parentSpanId = null)
    {
        var list = new JsonArray([.. attributes.Select(a => (JsonNode)new JsonObject { ["key"] = a.Key, ["value"] = new JsonObject { ["stringValue"] = a.Value } })]);
        if (inputTokens > 0)
        {
            list.Add(new JsonObject { ["key"] = "gen_ai.usage.input_tokens", ["value"] = new JsonObject { ["intValue"] = inputTokens.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        }

        if (outputTokens > 0)
        {
            list.Add(new JsonObject { ["key"] = "gen_ai.usage.output_tokens", ["value"] = new JsonObject { ["intValue"] = outputTokens.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        }

        var span = new JsonObject
        {
            ["traceId"] = traceId ?? Guid.NewGuid().ToString("N"),
            ["spanId"] = spanId ?? Guid.NewGuid().ToString("N")[..16],
            ["name"] = name,
            ["kind"] = 3,
            ["startTimeUnixNano"] = "1732000000000000000",
            ["endTimeUnixNano"] = "1732000001000000000",
            ["attributes"] = list,
        };
        if (parentSpanId is not null)
        {
            span["parentSpanId"] = parentSpanId;
        }

        return span;
    }

    public static HttpClient Client(Uri baseAddress, string tenant)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        return client;
    }

    /// <summary>The tenant's assets of one type by id, with their invocation and input-token totals (one page of up to 1,000).</summary>
    public static async Task<Dictionary<string, (long Invocations, long InputTokens)>> UsageAsync(HttpClient tenant, string type = "model")
    {
        JsonObject page = (await tenant.GetFromJsonAsync<JsonObject>($"api/v1/inventory?type={type}&limit=1000"))!;
        return page["items"]!.AsArray().ToDictionary(
            a => a!["id"]!.GetValue<string>(),
            a => (a!["usage"]?["invocations"]?.GetValue<long>() ?? 0, a["usage"]?["input_tokens"]?.GetValue<long>() ?? 0),
            StringComparer.Ordinal);
    }
}
