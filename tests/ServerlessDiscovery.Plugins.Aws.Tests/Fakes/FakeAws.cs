using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Fakes;

/// <summary>One request as the fake AWS saw it: the service and region come from the path prefix the endpoint templates put there.</summary>
public sealed record AwsCall(string Service, string Region, string Operation, string Path, RecordedRequest Request)
{
    public JsonObject Body => Request.Body.Length == 0 ? [] : (JsonNode.Parse(Request.Body) as JsonObject ?? []);

    public string? Query(string name) =>
        Request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p[0] == name)
            .Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty))
            .FirstOrDefault();
}

/// <summary>What the fake answers: a status, a body, extra headers; <see cref="CutOff"/> promises more bytes than it sends.</summary>
public sealed record FakeReply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, bool CutOff = false)
{
    public static FakeReply Json(string body) => new(200, body);

    public static FakeReply Json(JsonNode body) => new(200, body.ToJsonString());

    /// <summary>An AWS JSON error: {"__type": code, "message": ...}.</summary>
    public static FakeReply Error(int status, string code, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, new JsonObject { ["__type"] = code, ["message"] = message }.ToJsonString(), headers);
}

/// <summary>
/// A loopback server standing in for the AWS endpoints: the plugin's endpoint templates are pointed at
/// {base}/{service}/{region}, and <see cref="Handler"/> answers each call. Every request is recorded.
/// </summary>
public sealed class FakeAws : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private FakeAws(Func<AwsCall, FakeReply> handler) => Handler = handler;

    public Func<AwsCall, FakeReply> Handler { get; set; }

    public IReadOnlyCollection<RecordedRequest> Requests => _server.Requests;

    public string Template(string service) => $"{_server.BaseAddress}{service}/{{region}}";

    public static async Task<FakeAws> StartAsync(Func<AwsCall, FakeReply> handler)
    {
        var fake = new FakeAws(handler);
        fake._server = await LoopbackServer.StartAsync((context, request) => fake.AnswerAsync(context, request));
        return fake;
    }

    public IEnumerable<AwsCall> Calls => Requests.Select(Parse);

    private async Task AnswerAsync(HttpContext context, RecordedRequest request)
    {
        FakeReply reply = Handler(Parse(request));
        await LoopbackReplies.WriteJsonAsync(context, reply.Status, reply.Body, reply.Headers, reply.CutOff);
    }

    private static AwsCall Parse(RecordedRequest request)
    {
        string[] parts = request.Path.Split('/', 4);
        string service = parts.Length > 1 ? parts[1] : string.Empty;
        string region = parts.Length > 2 ? parts[2] : string.Empty;
        string rest = parts.Length > 3 ? "/" + parts[3] : "/";
        string operation = request.Headers.TryGetValue("X-Amz-Target", out string? target) ? target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..] : rest;
        if (service == "sts")
        {
            operation = request.BodyText.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "Action")?[1] ?? operation;
        }

        return new AwsCall(service, region, operation, rest, request);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
