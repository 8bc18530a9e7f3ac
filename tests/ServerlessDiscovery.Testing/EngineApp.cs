using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using Xunit;

namespace ServerlessDiscovery.Testing;

/// <summary>The real app with the in-test fake plugin type, a recording change-event subscriber and captured logs.</summary>
public sealed class EngineApp : IAsyncDisposable
{
    private EngineApp(TestApp app, RecordingSubscriber events, CapturingLoggerProvider logs)
    {
        App = app;
        Events = events;
        Logs = logs;
    }

    public TestApp App { get; }

    public RecordingSubscriber Events { get; }

    public CapturingLoggerProvider Logs { get; }

    public HttpClient Client => App.Client;

    /// <summary>All assets rows of an instance, keyed by row key.</summary>
    public async Task<Dictionary<string, Azure.Data.Tables.TableEntity>> AssetRowsAsync(string instance, string tenant = "default")
    {
        var rows = new Dictionary<string, Azure.Data.Tables.TableEntity>();
        await foreach (Azure.Data.Tables.TableEntity row in App.Table(ServerlessDiscovery.Storage.TableNames.Assets).QueryAsync<Azure.Data.Tables.TableEntity>(ServerlessDiscovery.Storage.TableQueries.RowKeyFrom($"{tenant}~{instance}", "a")))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    /// <summary>Creates an instance of any plugin type over the API (201 asserted) and returns it (the reply's <c>instance</c>).</summary>
    public async Task<JsonObject> CreateInstanceAsync(string pluginType, string id, JsonObject config, string? tenantHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/instances")
        {
            Content = JsonContent.Create(new JsonObject { ["plugin_type"] = pluginType, ["instance_id"] = id, ["config"] = config }),
        };
        if (tenantHeader is not null)
        {
            request.Headers.Add("X-Tenant-Id", tenantHeader);
        }

        using HttpResponseMessage response = await Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["instance"]!.AsObject();
    }

    public static async Task<EngineApp> StartAsync(IDictionary<string, string?>? settings = null, string? tablePrefix = null)
    {
        var events = new RecordingSubscriber();
        var logs = new CapturingLoggerProvider();
        TestApp app = await TestApp.StartAsync(settings, services =>
        {
            services.AddSingleton<IPluginType, FakePluginType>();
            services.AddSingleton<IChangeEventSubscriber>(events);
            services.AddSingleton<ILoggerProvider>(logs);
        }, tablePrefix);
        return new EngineApp(app, events, logs);
    }

    public async Task<JsonObject> CreateFakeInstanceAsync(string id, FakeSource source, string? apiKey = null, string? tenantHeader = null)
    {
        var config = new JsonObject { ["source"] = source.Name };
        if (apiKey is not null)
        {
            config["api_key"] = apiKey;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/instances")
        {
            Content = JsonContent.Create(new JsonObject { ["plugin_type"] = FakePluginType.TypeId, ["instance_id"] = id, ["config"] = config }),
        };
        if (tenantHeader is not null)
        {
            request.Headers.Add("X-Tenant-Id", tenantHeader);
        }

        using HttpResponseMessage response = await Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["instance"]!.AsObject();
    }

    /// <summary>Refreshes the instance over the API and waits for the scan to finish; returns its run record.</summary>
    public async Task<JsonObject> RefreshAsync(string id, bool force = false)
    {
        using HttpResponseMessage response = await Client.PostAsync($"api/v1/instances/{id}/refresh{(force ? "?force=true" : string.Empty)}", null);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, body);
        string runId = JsonNode.Parse(body)!["scan_run_id"]!.GetValue<string>();
        await App.Get<DiscoveryScheduler>().WhenIdleAsync();
        JsonObject scans = (await Client.GetFromJsonAsync<JsonObject>($"api/v1/instances/{id}/scans"))!;
        return scans["scans"]!.AsArray().Single(s => s!["scan_run_id"]!.GetValue<string>() == runId)!.AsObject();
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
