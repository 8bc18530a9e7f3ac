using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Google.Tests;

/// <summary>One Vertex AI call: {base}/v1/projects/{project}/locations/{location}/{collection}, to the host named in Host.</summary>
public sealed record VertexCall(string Project, string Location, string Collection, string? PageToken, RecordedRequest Request)
{
    public string Host => Request.Headers.TryGetValue("Host", out string? host) ? host.Split(':')[0] : string.Empty;
}

public sealed record VertexReply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, bool CutOff = false)
{
    public static VertexReply Json(JsonNode body) => new(200, body.ToJsonString());

    /// <summary>Google's error shape: {"error": {"code", "message", "status"}}.</summary>
    public static VertexReply Error(int code, string status, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(code, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } }.ToJsonString(), headers);
}

/// <summary>A loopback stand-in for Vertex AI REST v1 and for an OAuth token endpoint (POST /token).</summary>
public sealed class FakeVertexAi : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    public Func<VertexCall, VertexReply> Handler { get; set; } = _ => VertexReply.Error(404, "NOT_FOUND", "no handler");

    public Func<RecordedRequest, VertexReply> TokenHandler { get; set; } = _ => VertexReply.Error(400, "invalid_grant", "no token handler");

    public string Template => $"{_server.BaseAddress}{{location}}";

    public Uri TokenUri => new(_server.BaseAddress, "token");

    public IEnumerable<RecordedRequest> Requests => _server.Requests;

    public IEnumerable<VertexCall> Calls => _server.Requests.Where(r => r.Path != "/token").Select(Parse);

    public static async Task<FakeVertexAi> StartAsync()
    {
        var fake = new FakeVertexAi();
        fake._server = await LoopbackServer.StartAsync(fake.AnswerAsync);
        return fake;
    }

    private async Task AnswerAsync(HttpContext context, RecordedRequest request)
    {
        VertexReply reply = request.Path == "/token" ? TokenHandler(request) : Handler(Parse(request));
        await LoopbackReplies.WriteJsonAsync(context, reply.Status, reply.Body, reply.Headers, reply.CutOff);
    }

    private static VertexCall Parse(RecordedRequest request)
    {
        // [/{location}]/v1/projects/{p}/locations/{l}/{collection}
        string[] parts = request.Path.Split('/');
        int v1 = Array.IndexOf(parts, "v1");
        string Part(int offset) => v1 >= 0 && v1 + offset < parts.Length ? parts[v1 + offset] : string.Empty;
        string? token = request.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == "pageToken").Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault();
        return new VertexCall(Part(2), Part(4), Part(5), token, request);
    }

    /// <summary>
    /// Vertex's host names as DNS has them, under a test domain: "{region}-aiplatform.vertex.test" for each region and
    /// "aiplatform.vertex.test" for the global location; there is no "global-aiplatform" host, so it does not resolve.
    /// </summary>
    public string HostTemplate => $"http://{{location}}-aiplatform.vertex.test:{_server.BaseAddress.Port}";

    /// <summary>A plugin context whose HTTP connections resolve the <see cref="HostTemplate"/> names to this server.</summary>
    public PluginContext CreateDnsContext() => new(
        "test-tenant",
        "test-instance",
        new VertexDnsClientFactory(_server.BaseAddress.Port),
        TimeProvider.System,
        Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
        ServerlessDiscovery.Plugins.Conformance.TestPluginContext.FastRetries());

    private sealed class VertexDnsClientFactory(int port) : IHttpClientFactory
    {
        private readonly SocketsHttpHandler _handler = new()
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                string host = context.DnsEndPoint.Host;
                if (host != "aiplatform.vertex.test" && !(host.EndsWith("-aiplatform.vertex.test", StringComparison.Ordinal) && !host.StartsWith("global-", StringComparison.Ordinal)))
                {
                    throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound);
                }

                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };

        public HttpClient CreateClient(string name) => new(_handler, disposeHandler: false);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
