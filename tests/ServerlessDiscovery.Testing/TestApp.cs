using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDiscovery.Functions.Hosting;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// The real executable's app, started in this process on a free loopback port against the test Azurite,
/// with its own table prefix so tests never see each other's rows.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, Uri baseAddress, string tablePrefix, string queueName)
    {
        App = app;
        BaseAddress = baseAddress;
        TablePrefix = tablePrefix;
        QueueName = queueName;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public Uri BaseAddress { get; }

    public string TablePrefix { get; }

    /// <summary>This app's deliveries queue (DELIVERIES_QUEUE), unique to it unless the settings name one.</summary>
    public string QueueName { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the app. <paramref name="settings"/> are app settings by their configuration names (Section:Name).</summary>
    public static async Task<TestApp> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string? tablePrefix = null)
    {
        tablePrefix ??= Azurite.UniqueName("p");
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:ConnectionString"] = Azurite.ConnectionString,
            ["Storage:TablePrefix"] = tablePrefix,
            ["AzureWebJobsStorage"] = Azurite.QueueConnectionString,
            ["DELIVERIES_QUEUE"] = Azurite.UniqueQueueName(),
            ["urls"] = "http://127.0.0.1:0",
            // Tests drive ticks themselves; the standalone timer would otherwise fire once a minute.
            ["DISCOVERY_TICK"] = "0 0 0 1 1 *",
            ["Secrets:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            // The loopback fakes that stand in for providers, MCP servers and webhook receivers are reachable only
            // because the operator's allow-list says so; a test of the address policy itself sets it to null.
            [LoopbackAllowList.Setting] = LoopbackAllowList.Value,
        };
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        WebApplication app = ServerlessDiscoveryApp.Build([], c => c.AddInMemoryCollection(values), services);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestApp(app, new Uri(address.TrimEnd('/') + "/"), tablePrefix, values["DELIVERIES_QUEUE"]!);
    }

    /// <summary>A client for one of this app's tables (its prefix applied).</summary>
    public TableClient Table(string name) => Azurite.CreateServiceClient().GetTableClient(TablePrefix + name);

    /// <summary>A client for this app's deliveries queue, reading messages as they are on the wire.</summary>
    public Azure.Storage.Queues.QueueClient DeliveriesQueue() => Azurite.CreateQueueClient(QueueName);

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
