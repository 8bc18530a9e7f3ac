using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Security;

/// <summary>
/// A hostile or careless provider on loopback: it refuses every call and quotes the credential back in every form a
/// real one has been seen to (LiteLLM-style proxies, custom MCP servers, OAuth token endpoints): raw, Bearer/Token,
/// Basic base64(id:secret), base64, base64url, URL-encoded, JSON-escaped, truncated at either end, as a JSON field, in
/// a response header, and whatever credential-bearing headers and body the request itself carried.
/// Error shapes follow the providers' references: Azure ARM / Google APIs {"error":{"code","message","status"}}, AWS
/// JSON protocols {"__type","message"}, Databricks {"error_code","message"}, OAuth 2.0 (RFC 6749 §5.2)
/// {"error","error_description"}, MCP JSON-RPC 2.0 error objects {"jsonrpc","id","error":{"code","message"}}.
/// </summary>
internal sealed class EchoingProvider : IAsyncDisposable
{
    private EchoingProvider(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public Uri BaseAddress => Server.BaseAddress;

    public static async Task<EchoingProvider> StartAsync(string secret, string clientId) =>
        new(await LoopbackServer.StartAsync((context, request) => AnswerAsync(context, request, secret, clientId)));

    /// <summary>Every spelling of <paramref name="secret"/> the provider quotes.</summary>
    public static IEnumerable<string> EchoForms(string secret, string clientId)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(secret);
        yield return secret;
        yield return "Bearer " + secret;
        yield return "Token " + secret;
        yield return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}"));
        yield return Convert.ToBase64String(bytes);
        yield return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        yield return Uri.EscapeDataString(secret);
        yield return WebUtility.UrlEncode(secret);
        yield return JsonSerializer.Serialize(secret)[1..^1];
        yield return secret[..16] + "…";
        yield return "…" + secret[^16..];
        yield return $"{{\"api_key\":\"{secret}\"}}";
    }

    private static async Task AnswerAsync(HttpContext context, RecordedRequest request, string secret, string clientId)
    {
        string received = string.Join(" ; ", request.Headers
            .Where(h => h.Key is "Authorization" or "X-Api-Key" or "Api-Key" or "X-Amz-Security-Token" or "X-Secret")
            .Select(h => $"{h.Key}: {h.Value}"));
        string echo = $"refused {string.Join(" | ", EchoForms(secret, clientId))} | you sent {received} | body {Truncated(request.BodyText)}";

        if (request.Method == "POST" && request.Headers.TryGetValue("Accept", out string? accept) && accept.Contains("text/event-stream", StringComparison.Ordinal))
        {
            await AnswerMcpAsync(context, request, echo);
            return;
        }

        if (request.Path.EndsWith("/token", StringComparison.Ordinal))
        {
            // An OAuth 2.0 token endpoint (Google's token_uri, Databricks' /oidc/v1/token): RFC 6749 section 5.2, from a
            // careless server that puts the echo in the error code too (clients quote "error", some not the description).
            await LoopbackReplies.WriteJsonAsync(context, 400, new JsonObject { ["error"] = "invalid_client " + echo, ["error_description"] = echo }.ToJsonString());
            return;
        }

        context.Response.StatusCode = 401;
        context.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{secret} is not valid\"";
        context.Response.Headers["X-Echo"] = secret;
        var body = new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = "Unauthorized", ["status"] = "UNAUTHENTICATED", ["message"] = echo },
            ["__type"] = "UnrecognizedClientException",
            ["error_code"] = "PERMISSION_DENIED",
            ["message"] = echo,
            ["error_description"] = echo,
            ["detail"] = echo,
        };
        await LoopbackReplies.WriteJsonAsync(context, 401, body.ToJsonString());
    }

    /// <summary>Streamable HTTP MCP: a JSON-RPC error for every request, a 202 for notifications.</summary>
    private static async Task AnswerMcpAsync(HttpContext context, RecordedRequest request, string echo)
    {
        JsonNode? id = null;
        try
        {
            id = JsonNode.Parse(request.Body)?["id"]?.DeepClone();
        }
        catch (JsonException)
        {
            // Not JSON-RPC: answered as a request without an id.
        }

        if (id is null)
        {
            context.Response.StatusCode = 202;
            return;
        }

        var reply = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = -32001, ["message"] = echo } };
        await LoopbackReplies.WriteJsonAsync(context, 200, reply.ToJsonString());
    }

    private static string Truncated(string text) => text.Length > 4000 ? text[..4000] : text;

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
