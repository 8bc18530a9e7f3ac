using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ServerlessDiscovery.Plugins.Mcp.TestServer;

namespace ServerlessDiscovery.Plugins.Mcp.Tests.Hosting;

/// <summary>How the test server answers.</summary>
public enum ServerBehaviour
{
    /// <summary>A real MCP server (the SDK's StreamableHttpServerTransport) answering from the catalogue.</summary>
    Mcp,

    /// <summary>401 to every request, as a server refusing the credentials, echoing the Authorization header back as servers sometimes do.</summary>
    Unauthorized,

    /// <summary>200 with a body that is not JSON-RPC.</summary>
    Garbage,

    /// <summary>Accepts requests and never answers until the client gives up.</summary>
    Hang,
}

/// <summary>
/// A real MCP server over Streamable HTTP on 127.0.0.1 with a free port, at /mcp. ModelContextProtocol.AspNetCore is
/// not available, so the endpoint is mapped here onto the SDK's <see cref="StreamableHttpServerTransport"/>:
/// initialize opens a session (Mcp-Session-Id); a request on the 2026-07-28 revision (no sessions) gets a
/// stateless transport and server of its own.
/// </summary>
public sealed class StreamableHttpTestServer : IAsyncDisposable
{
    private const string SessionHeader = "Mcp-Session-Id";
    private const string ProtocolHeader = "MCP-Protocol-Version";
    private static readonly JsonTypeInfo<JsonRpcMessage> MessageType = (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private readonly WebApplication _app;
    private readonly ServerBehaviour _behaviour;
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _requestHeaders = new();

    private StreamableHttpTestServer(WebApplication app, TestCatalogue catalogue, ServerBehaviour behaviour)
    {
        _app = app;
        Catalogue = catalogue;
        _behaviour = behaviour;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>What new sessions are served; a test replaces it to make items appear or disappear between scans.</summary>
    public TestCatalogue Catalogue { get; set; }

    /// <summary>Headers of every request received, for checking what the client sent.</summary>
    public IReadOnlyCollection<IReadOnlyDictionary<string, string>> RequestHeaders => _requestHeaders;

    public static async Task<StreamableHttpTestServer> StartAsync(TestCatalogue catalogue, ServerBehaviour behaviour = ServerBehaviour.Mcp, int port = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        WebApplication app = builder.Build();
        var server = new StreamableHttpTestServer(app, catalogue, behaviour);
        app.Use(async (context, next) =>
        {
            server._requestHeaders.Enqueue(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
            switch (server._behaviour)
            {
                case ServerBehaviour.Unauthorized:
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(
                        $$$"""{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"credentials '{{{context.Request.Headers.Authorization}}}' rejected"}}""",
                        context.RequestAborted);
                    return;
                case ServerBehaviour.Garbage:
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("this is not JSON-RPC", context.RequestAborted);
                    return;
                case ServerBehaviour.Hang:
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
                default:
                    await next(context);
                    return;
            }
        });
        app.MapPost("/mcp", server.PostAsync);
        app.MapGet("/mcp", server.GetAsync);
        app.MapDelete("/mcp", server.DeleteAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.TrimEnd('/') + "/mcp");
        return server;
    }

    private async Task PostAsync(HttpContext context)
    {
        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(context.Request.Body, MessageType, context.RequestAborted);
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        string protocolVersion = context.Request.Headers[ProtocolHeader].ToString();
        if (protocolVersion.Length > 0)
        {
            message.Context ??= new JsonRpcMessageContext();
            message.Context.ProtocolVersion = protocolVersion;
        }

        string sessionId = context.Request.Headers[SessionHeader].ToString();
        if (sessionId.Length > 0)
        {
            if (!_sessions.TryGetValue(sessionId, out Session? session))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await RespondAsync(context, session.Transport, message);
            return;
        }

        if (message is JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            sessionId = Guid.NewGuid().ToString("N");
            var transport = new StreamableHttpServerTransport(NullLoggerFactory.Instance) { SessionId = sessionId };
            McpServer server = McpServer.Create(transport, Catalogue.CreateOptions(), NullLoggerFactory.Instance);
            var session = new Session(transport, server, server.RunAsync());
            _sessions[sessionId] = session;
            context.Response.Headers[SessionHeader] = sessionId;
            await RespondAsync(context, transport, message);
            return;
        }

        // No session: the 2026-07-28 revision (or a stray request) is served by a transport and server of its own.
        var stateless = new StreamableHttpServerTransport(NullLoggerFactory.Instance) { Stateless = true };
        await using (McpServer server = McpServer.Create(stateless, Catalogue.CreateOptions(), NullLoggerFactory.Instance))
        {
            Task run = server.RunAsync(context.RequestAborted);
            await RespondAsync(context, stateless, message);
            await stateless.DisposeAsync();
            await run;
        }
    }

    private async Task GetAsync(HttpContext context)
    {
        if (!_sessions.TryGetValue(context.Request.Headers[SessionHeader].ToString(), out Session? session))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        StartEventStream(context);
        try
        {
            await session.Transport.HandleGetRequestAsync(context.Response.Body, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client closed its stream.
        }
    }

    private async Task DeleteAsync(HttpContext context)
    {
        if (_sessions.TryRemove(context.Request.Headers[SessionHeader].ToString(), out Session? session))
        {
            await session.DisposeAsync();
        }
    }

    private static async Task RespondAsync(HttpContext context, StreamableHttpServerTransport transport, JsonRpcMessage message)
    {
        StartEventStream(context);
        if (!await transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted))
        {
            context.Response.Headers.ContentType = (string?)null;
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        }
    }

    private static void StartEventStream(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (string id in _sessions.Keys)
        {
            if (_sessions.TryRemove(id, out Session? session))
            {
                await session.DisposeAsync();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record Session(StreamableHttpServerTransport Transport, McpServer Server, Task Run) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transport.DisposeAsync();
            await Server.DisposeAsync();
            await Run.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
