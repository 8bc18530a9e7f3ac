using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Databricks.Tests;

/// <summary>
/// A loopback Databricks workspace: routes by path, requires "Authorization: Bearer {AcceptedToken}", pages with
/// page_token / next_page_token, answers errors as {"error_code", "message"} like the REST API.
/// </summary>
internal sealed class FakeWorkspace : IAsyncDisposable
{
    public const string Pat = "dapi0123456789abcdef";

    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    private FakeWorkspace(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public string AcceptedToken { get; set; } = Pat;

    public string Host => Server.BaseAddress.Authority;

    public static async Task<FakeWorkspace> StartAsync()
    {
        FakeWorkspace? workspace = null;
        LoopbackServer server = await LoopbackServer.StartAsync((context, _) => workspace!.HandleAsync(context));
        workspace = new FakeWorkspace(server);
        return workspace;
    }

    public void Json(string path, string body, int status = 200) => _routes[path] = context => WriteAsync(context, status, body);

    public void Route(string path, Func<HttpContext, Task> handler) => _routes[path] = handler;

    /// <summary>Pages of <paramref name="property"/>: page n answers next_page_token "p{n+1}" until the last.</summary>
    public void Pages(string path, string property, params string[][] pages) => _routes[path] = context =>
    {
        string token = context.Request.Query["page_token"].ToString();
        int page = token.Length == 0 ? 0 : int.Parse(token[1..], System.Globalization.CultureInfo.InvariantCulture);
        string next = page + 1 < pages.Length ? $", \"next_page_token\": \"p{page + 1}\"" : string.Empty;
        return WriteAsync(context, 200, $"{{\"{property}\": [{string.Join(',', pages[page])}]{next}}}");
    };

    public static Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body, Encoding.UTF8);
    }

    private Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value!;
        if (_routes.TryGetValue("POST " + path, out Func<HttpContext, Task>? post) && context.Request.Method == "POST")
        {
            return post(context);
        }

        if (context.Request.Headers.Authorization != $"Bearer {AcceptedToken}")
        {
            return WriteAsync(context, 401, """{"error_code":"UNAUTHENTICATED","message":"Invalid access token."}""");
        }

        return _routes.TryGetValue(path, out Func<HttpContext, Task>? handler)
            ? handler(context)
            : WriteAsync(context, 200, "{}");
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
