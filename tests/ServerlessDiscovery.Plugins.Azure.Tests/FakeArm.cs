using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>
/// A loopback stand-in for Azure Resource Manager: routes by path (api-version checked), answers the documented
/// list shape {"value": [...], "nextLink": ...}, and can be told to throttle or fail one path.
/// </summary>
internal sealed class FakeArm : IAsyncDisposable
{
    public const string Token = "arm-token-1234";
    public const string Sub = "00000000-0000-0000-0000-0000000000AA";

    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.OrdinalIgnoreCase);

    private FakeArm(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public Uri BaseAddress => Server.BaseAddress;

    public static async Task<FakeArm> StartAsync()
    {
        FakeArm? arm = null;
        LoopbackServer server = await LoopbackServer.StartAsync((context, _) => arm!.HandleAsync(context));
        arm = new FakeArm(server);
        return arm;
    }

    /// <summary>Answers GET <paramref name="path"/> with the JSON <paramref name="body"/>.</summary>
    public void Json(string path, string body, int status = 200) => _routes[path] = context => WriteAsync(context, status, body);

    public void Route(string path, Func<HttpContext, Task> handler) => _routes[path] = handler;

    /// <summary>A collection split across pages: page n links to "?...&amp;page=n+1" on this server.</summary>
    public void Pages(string path, params string[][] pages) => _routes[path] = context =>
    {
        int page = int.TryParse(context.Request.Query["page"], out int p) ? p : 0;
        string next = page + 1 < pages.Length
            ? $", \"nextLink\": \"{new Uri(BaseAddress, path.TrimStart('/'))}?api-version={context.Request.Query["api-version"]}&page={page + 1}\""
            : string.Empty;
        return WriteAsync(context, 200, $"{{\"value\": [{string.Join(',', pages[page])}]{next}}}");
    };

    public static Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body, Encoding.UTF8);
    }

    private Task HandleAsync(HttpContext context)
    {
        if (string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            return WriteAsync(context, 400, """{"error":{"code":"MissingApiVersionParameter","message":"The api-version query parameter is required."}}""");
        }

        if (context.Request.Headers.Authorization != $"Bearer {Token}")
        {
            return WriteAsync(context, 401, """{"error":{"code":"AuthenticationFailed","message":"Authentication failed."}}""");
        }

        return _routes.TryGetValue(context.Request.Path.Value!.TrimEnd('/'), out Func<HttpContext, Task>? handler)
            ? handler(context)
            : WriteAsync(context, 200, """{"value": []}""");
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    public static string AccountsPath => $"/subscriptions/{Sub}/providers/Microsoft.CognitiveServices/accounts";

    public static string WorkspacesPath => $"/subscriptions/{Sub}/providers/Microsoft.MachineLearningServices/workspaces";

    public static string AccountId(string name) => $"/subscriptions/{Sub}/resourceGroups/RG-AI/providers/Microsoft.CognitiveServices/accounts/{name}";

    public static string Account(string name, string kind) =>
        $$$"""{"id":"{{{AccountId(name)}}}","name":"{{{name}}}","type":"Microsoft.CognitiveServices/accounts","kind":"{{{kind}}}","location":"swedencentral","sku":{"name":"S0"},"properties":{"endpoint":"https://{{{name}}}.openai.azure.com/","provisioningState":"Succeeded"}}""";

    public static string Deployment(string account, string name, string model, string version, string format = "OpenAI", int capacity = 10) =>
        $$$"""{"id":"{{{AccountId(account)}}}/deployments/{{{name}}}","name":"{{{name}}}","type":"Microsoft.CognitiveServices/accounts/deployments","sku":{"name":"GlobalStandard","capacity":{{{capacity}}}},"properties":{"model":{"format":"{{{format}}}","name":"{{{model}}}","version":"{{{version}}}"},"provisioningState":"Succeeded","raiPolicyName":"Microsoft.DefaultV2"}}""";
}
