using System.Text;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>
/// OTLP/JSON trace bodies (opentelemetry-proto ExportTraceServiceRequest, JSON mapping) with GenAI semantic-convention
/// spans: an agent that calls a model and a tool, and the tool's database call, in one trace.
/// </summary>
internal static class OtlpTraces
{
    /// <summary>invoke_agent {agent} → chat {provider}/{model}; → execute_tool {tool} → a PostgreSQL call to {dbHost}.</summary>
    public static StringContent AgentChain(string agent, string provider, string model, string tool, string dbHost)
    {
        string trace = Guid.NewGuid().ToString("N");
        string root = SpanId();
        string toolSpan = SpanId();
        JsonObject[] spans =
        [
            Span(trace, root, null, "invoke_agent " + agent, ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", agent), ("gen_ai.agent.description", "Plans trips")),
            Span(trace, SpanId(), root, "chat " + model, ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", provider), ("gen_ai.request.model", model)),
            Span(trace, toolSpan, root, "execute_tool " + tool, ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", tool)),
            Span(trace, SpanId(), toolSpan, "SELECT", ("db.system.name", "postgresql"), ("db.namespace", "flights"), ("server.address", dbHost)),
        ];
        string body = new JsonObject
        {
            ["resourceSpans"] = new JsonArray(new JsonObject
            {
                ["resource"] = new JsonObject { ["attributes"] = new JsonArray(Attribute("service.name", agent + "-service")) },
                ["scopeSpans"] = new JsonArray(new JsonObject { ["spans"] = new JsonArray([.. spans]) }),
            }),
        }.ToJsonString();
        return new StringContent(body, Encoding.UTF8, "application/json");
    }

    private static string SpanId() => Guid.NewGuid().ToString("N")[..16];

    private static JsonObject Span(string trace, string id, string? parent, string name, params (string Key, string Value)[] attributes)
    {
        var span = new JsonObject
        {
            ["traceId"] = trace,
            ["spanId"] = id,
            ["name"] = name,
            ["kind"] = 3,
            ["startTimeUnixNano"] = "1732000000000000000",
            ["endTimeUnixNano"] = "1732000001000000000",
            ["attributes"] = new JsonArray([.. attributes.Select(a => (JsonNode?)Attribute(a.Key, a.Value))]),
        };
        if (parent is not null)
        {
            span["parentSpanId"] = parent;
        }

        return span;
    }

    private static JsonObject Attribute(string key, string value) => new() { ["key"] = key, ["value"] = new JsonObject { ["stringValue"] = value } };
}
