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

    /// <summary>
    /// Answers as a proxy started without DATABASE_URL: /team/list raises HTTPException(400, {"error": CommonProxyErrors
    /// .db_not_connected_error}) (FastAPI wraps it in "detail"), /key/list raises Exception("Database not connected")
    /// turned into a 500 ProxyException (litellm/proxy/management_endpoints team_endpoints.list_team,
    /// key_management_endpoints.list_keys); /v2/guardrails/list raises HTTPException(500, "Prisma client not initialized")
    /// (guardrail_endpoints.list_guardrails_v2) while /guardrails/list still lists config.yaml's guardrails.
    /// </summary>
    public void WithoutDatabase()
    {
        Json("/v2/guardrails/list", """{"detail":"Prisma client not initialized"}""", 500);
        Json("/team/list", """{"detail":{"error":"DB not connected. See https://docs.litellm.ai/docs/proxy/virtual_keys"}}""", 400);
        Json("/key/list", """{"error":{"message":"Authentication Error, Database not connected","type":"internal_server_error","param":"None","code":"500"}}""", 500);
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

        // list_keys declares size: int = Query(10, ge=1, le=100); FastAPI refuses anything else with 422.
        if (context.Request.Path == "/key/list" && int.TryParse(context.Request.Query["size"], out int size) && size is < 1 or > 100)
        {
            return WriteAsync(context, 422, $$$"""{"detail":[{"type":"less_than_equal","loc":["query","size"],"msg":"Input should be less than or equal to 100","input":"{{{size}}}","ctx":{"le":100}}]}""");
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
            "/v2/guardrails/list" or "/guardrails/list" => WriteAsync(context, 200, """{"guardrails":[]}"""),
            "/vector_store/list" => WriteAsync(context, 200, """{"object":"list","data":[],"total_count":0,"current_page":1,"total_pages":0}"""),
            _ => WriteAsync(context, 200, "[]"),
        };
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
