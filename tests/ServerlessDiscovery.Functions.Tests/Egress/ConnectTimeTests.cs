using ServerlessDiscovery.Engine.Webhooks;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDiscovery.Plugins.Egress;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Egress;

/// <summary>
/// DNS rebinding against the real app: a name that resolves to a public address when the instance or subscription is
/// validated and to loopback (where a real server listens) when the connection is made. Real DNS cannot be made to
/// switch its answer on cue, so the app's resolver seam (IHostResolver) is replaced by one the test switches.
/// </summary>
public sealed class ConnectTimeTests : IAsyncLifetime
{
    private const string RebindingHost = "rebind.example.com";
    private readonly SwitchingResolver _resolver = new();
    private TestApp _app = null!;
    private LoopbackServer _internal = null!;

    public async Task InitializeAsync()
    {
        _internal = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 200;
            return context.Response.WriteAsync("{\"internal\":\"answer\"}");
        });
        _app = await TestApp.StartAsync(
            new Dictionary<string, string?> { [LoopbackAllowList.Setting] = null },
            services => services.AddSingleton<IHostResolver>(_resolver));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _internal.DisposeAsync();
    }

    [Fact]
    public async Task Verify_McpUrlRebindsToLoopbackAfterCreate_RefusedAtConnectAndNothingReachesIt()
    {
        var url = $"http://{RebindingHost}:{_internal.BaseAddress.Port}/mcp";
        using (HttpResponseMessage created = await _app.Client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = "mcp",
            ["instance_id"] = "rebinding",
            ["config"] = new JsonObject { ["transport"] = "streamable_http", ["url"] = url, ["timeout_seconds"] = 10 },
        }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        _resolver.Answer = IPAddress.Loopback;
        using HttpResponseMessage verify = await _app.Client.PostAsync("api/v1/instances/rebinding/verify", null);
        JsonObject result = (await verify.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.False(result["success"]!.GetValue<bool>());
        Assert.Contains("egress address policy", result["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("internal", result["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_internal.Requests);
    }

    [Theory]
    [InlineData("plugins")]
    [InlineData(WebhookSender.ClientName)]
    public async Task NamedClient_NameRebindsToLoopback_RefusedByTheAddressPolicy(string clientName)
    {
        // The named clients as the app builds them: plugins (PluginContext.CreateHttpClient) and the webhook sender's.
        var url = new Uri($"http://{RebindingHost}:{_internal.BaseAddress.Port}/");
        Assert.Null(await _app.Get<AddressPolicy>().CheckUrlAsync(url));
        _resolver.Answer = IPAddress.Loopback;
        using HttpClient client = _app.Get<IHttpClientFactory>().CreateClient(clientName);

        HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.Contains("egress address policy", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_internal.Requests);
    }

    private sealed class SwitchingResolver : IHostResolver
    {
        /// <summary>What every name resolves to now; starts as a public address (93.184.215.14, example.com's).</summary>
        public IPAddress Answer { get; set; } = IPAddress.Parse("93.184.215.14");

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) => Task.FromResult<IPAddress[]>([Answer]);
    }
}
