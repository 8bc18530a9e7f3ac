using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>
/// A loopback Foundry Agent Service data plane (azure-rest-api-specs specification/ai/data-plane/Azure.AI.Agents,
/// stable/2025-05-01, operationId ListAgents): GET {endpoint}/api/projects/{project}/assistants with api-version,
/// limit (1-100, else 400), order and after; answers {"object":"list","data":[...],"first_id","last_id","has_more"}
/// and errors as ServicePatterns.AgentV1Error {"error":{"code","message","type","param"}}. Pages hold at most
/// <see cref="PageSize"/> items whatever the limit, so a test with three agents sees has_more/after paging.
/// </summary>
internal sealed class FakeAgentService : IAsyncDisposable
{
    public const string Token = "ai-token-5678";
    public const int PageSize = 2;

    private readonly ConcurrentDictionary<string, string[]> _agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _overrides = new(StringComparer.Ordinal);

    private FakeAgentService(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    public Uri BaseAddress => Server.BaseAddress;

    public static async Task<FakeAgentService> StartAsync()
    {
        FakeAgentService? fake = null;
        LoopbackServer server = await LoopbackServer.StartAsync((context, _) => fake!.HandleAsync(context));
        fake = new FakeAgentService(server);
        return fake;
    }

    public static string AgentsPath(string project) => $"/api/projects/{project}/assistants";

    /// <summary>The agents of <paramref name="project"/>, oldest first, each a JSON object with an "id".</summary>
    public void Agents(string project, params string[] agents) => _agents[project] = agents;

    /// <summary>Answers the project's list with <paramref name="handler"/> instead (errors, throttling).</summary>
    public void Override(string project, Func<HttpContext, Task> handler) => _overrides[project] = handler;

    public static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        FakeArm.WriteAsync(context, status, $$$"""{"error":{"code":"{{{code}}}","message":"{{{message}}}","type":"invalid_request_error","param":null}}""");

    private Task HandleAsync(HttpContext context)
    {
        string[] parts = context.Request.Path.Value!.Trim('/').Split('/');
        if (parts is not ["api", "projects", var project, "assistants"])
        {
            return ErrorAsync(context, 404, "NotFound", "Resource not found.");
        }

        if (context.Request.Query["api-version"] != "2025-05-01")
        {
            return ErrorAsync(context, 400, "BadRequest", "Unsupported api-version.");
        }

        if (context.Request.Headers.Authorization != $"Bearer {Token}")
        {
            return ErrorAsync(context, 401, "Unauthorized", "Token audience is not https://ai.azure.com.");
        }

        if (_overrides.TryGetValue(project, out Func<HttpContext, Task>? handler))
        {
            return handler(context);
        }

        int limit = int.TryParse(context.Request.Query["limit"], out int l) ? l : 20;
        if (limit is < 1 or > 100)
        {
            return ErrorAsync(context, 400, "invalid_value", "limit must be between 1 and 100.");
        }

        string[] all = _agents.TryGetValue(project, out string[]? a) ? a : [];
        string? after = context.Request.Query["after"];
        int start = 0;
        if (!string.IsNullOrEmpty(after))
        {
            start = System.Array.FindIndex(all, x => x.Contains($"\"id\":\"{after}\"", StringComparison.Ordinal)) + 1;
        }

        string[] page = all.Skip(start).Take(Math.Min(limit, PageSize)).ToArray();
        bool more = start + page.Length < all.Length;
        string ids = page.Length == 0 ? "\"first_id\":null,\"last_id\":null" : $"\"first_id\":\"{Id(page[0])}\",\"last_id\":\"{Id(page[^1])}\"";
        return FakeArm.WriteAsync(context, 200, string.Create(CultureInfo.InvariantCulture, $"{{\"object\":\"list\",\"data\":[{string.Join(',', page)}],{ids},\"has_more\":{(more ? "true" : "false")}}}"));
    }

    private static string Id(string agent)
    {
        int i = agent.IndexOf("\"id\":\"", StringComparison.Ordinal) + 6;
        return agent[i..agent.IndexOf('"', i)];
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
