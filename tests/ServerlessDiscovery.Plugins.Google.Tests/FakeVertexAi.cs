using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Google.Tests;

/// <summary>One Vertex AI call: {base}/{location}/v1/projects/{project}/locations/{location}/{collection}.</summary>
public sealed record VertexCall(string Project, string Location, string Collection, string? PageToken, RecordedRequest Request);

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
        // /{location}/v1/projects/{p}/locations/{l}/{collection}
        string[] parts = request.Path.Split('/');
        string? token = request.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == "pageToken").Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault();
        return new VertexCall(parts.Length > 4 ? parts[4] : string.Empty, parts.Length > 6 ? parts[6] : string.Empty, parts.Length > 7 ? parts[7] : string.Empty, token, request);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
