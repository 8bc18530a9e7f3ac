using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Functions.Tests.Otlp;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// The real app on Azurite, shared by a test class, with a way to give any tenant the same small estate: a scanned
/// source declaring an MCP server and its tool, a model, a database and an HTTP service (downstream) and a catalog;
/// and OTLP traces of an agent calling a model and a tool. Each test seeds its own tenant, so none depends on another.
/// </summary>
public sealed class OpenCiteEstate : IAsyncLifetime
{
    public const string McpServerId = "https://mcp.example/mcp";
    public const string McpToolId = "https://mcp.example/mcp#search_docs";
    public const string McpResourceId = "https://mcp.example/mcp#file:///docs/readme.md";

    public EngineApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Otlp:FlushInterval"] = "01:00:00" });

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    /// <summary>A client acting on <paramref name="tenant"/>, as OpenCITE's clients name it (X-Integration-Id).</summary>
    public HttpClient Client(string tenant)
    {
        var client = new HttpClient { BaseAddress = App.App.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Integration-Id", tenant);
        return client;
    }

    /// <summary>A fresh tenant with the estate described above, scanned and flushed.</summary>
    public async Task<string> SeedAsync(string prefix)
    {
        string tenant = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.McpServer, McpServerId, "s", "docs-mcp", new JsonObject { ["transport"] = "streamable_http", ["endpoint"] = McpServerId });
        source.Put(AssetTypes.McpTool, McpToolId, "s", "search_docs", new JsonObject { ["server_id"] = McpServerId, ["description"] = "Searches the docs." });
        source.Edges.Add(new DiscoveredEdge(AssetTypes.McpServer, McpServerId, Relationships.Contains, AssetTypes.McpTool, McpToolId, "s"));
        source.Put(AssetTypes.McpResource, McpResourceId, "s", "readme", new JsonObject { ["server_id"] = McpServerId, ["uri"] = "file:///docs/readme.md", ["mime_type"] = "text/markdown" });
        source.Edges.Add(new DiscoveredEdge(AssetTypes.McpServer, McpServerId, Relationships.Contains, AssetTypes.McpResource, McpResourceId, "s"));
        source.Put(AssetTypes.DownstreamSystem, "database/postgresql/orders", "s", "orders db", new JsonObject { ["category"] = "database" });
        source.Put(AssetTypes.DownstreamSystem, "http/payments", "s", "payments", new JsonObject { ["category"] = "http", ["url"] = "https://payments.example/v1" });
        source.Put(AssetTypes.Catalog, "main", "s", "main", new JsonObject { ["owner"] = "data-team" });
        source.Put(AssetTypes.Model, "azure/chat-deployment", "s", "chat-deployment", new JsonObject { ["provider"] = "azure", ["environment"] = "prod" });
        await App.CreateFakeInstanceAsync("catalog", source, tenantHeader: tenant);
        using HttpClient client = Client(tenant);
        using (HttpResponseMessage refresh = await client.PostAsync("api/v1/instances/catalog/refresh", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, refresh.StatusCode);
        }

        await App.App.Get<DiscoveryScheduler>().WhenIdleAsync();

        string trace = Guid.NewGuid().ToString("N");
        string root = Guid.NewGuid().ToString("N")[..16];
        using HttpResponseMessage otlp = await client.PostAsync("v1/traces", OtlpRequests.Body(
        [
            OtlpRequests.Span("invoke_agent planner", [("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "planner")], traceId: trace, spanId: root),
            OtlpRequests.Span("chat gpt-4o", [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o")], 120, 30, traceId: trace, parentSpanId: root),
            OtlpRequests.Span("execute_tool search_flights", [("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "search_flights"), ("gen_ai.tool.type", "function")], traceId: trace, parentSpanId: root),
        ]));
        Assert.Equal(HttpStatusCode.OK, otlp.StatusCode);
        await App.App.Get<TraceFlusher>().FlushAsync();
        return tenant;
    }

    public static async Task<JsonObject> GetObjectAsync(HttpClient client, string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>.</summary>
    public static async Task AssertNamesFieldAsync(HttpResponseMessage response, string field)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        Assert.True(JsonNode.Parse(body)!["errors"]!.AsObject().ContainsKey(field), body);
    }

    public static async Task<JsonObject> PostObjectAsync(HttpClient client, string path, JsonObject? body)
    {
        using HttpResponseMessage response = body is null ? await client.PostAsync(path, null) : await client.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
