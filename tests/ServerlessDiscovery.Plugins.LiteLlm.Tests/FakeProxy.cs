using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.LiteLlm.Tests;

/// <summary>A loopback LiteLLM proxy: routes by path, requires "Authorization: Bearer {MasterKey}", errors as {"error": {...}}.</summary>
internal sealed class FakeProxy : IAsyncDisposable
{
    public const string MasterKey = "sk-master-0123456789";

    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    private FakeProxy(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public string Host => Server.BaseAddress.Authority;

    public static async Task<FakeProxy> StartAsync()
    {
        FakeProxy? proxy = null;
        LoopbackServer server = await LoopbackServer.StartAsync((context, _) => proxy!.HandleAsync(context));
        proxy = new FakeProxy(server);
        return proxy;
    }

    public void Json(string path, string body, int status = 200) => _routes[path] = context => WriteAsync(context, status, body);

    public void Route(string path, Func<HttpContext, Task> handler) => _routes[path] = handler;

    public static Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body, Encoding.UTF8);
    }

    private Task HandleAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization != $"Bearer {MasterKey}")
        {
            return WriteAsync(context, 401, """{"error":{"message":"Authentication Error, Invalid proxy server token passed.","type":"auth_error","param":"None","code":"401"}}""");
        }

        if (_routes.TryGetValue(context.Request.Path.Value!, out Func<HttpContext, Task>? handler))
        {
            return handler(context);
        }

        return context.Request.Path.Value switch
        {
            "/model/info" => WriteAsync(context, 200, """{"data":[]}"""),
            "/mcp-rest/tools/list" => WriteAsync(context, 200, """{"tools":[]}"""),
            "/key/list" => WriteAsync(context, 200, """{"keys":[],"total_count":0,"current_page":1,"total_pages":0}"""),
            _ => WriteAsync(context, 200, "[]"),
        };
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
