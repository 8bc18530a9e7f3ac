using System.Collections.Concurrent;
using Azure.Identity;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Tables;

namespace ServerlessDiscovery.Engine.Storage;

/// <summary>
/// The app's tables. Each is created on first use, once per process, so start-up makes no storage calls
/// and a table deleted underneath us is recreated on the next process start.
/// </summary>
public sealed class TableStore
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);
    private readonly string _prefix;

    public TableStore(IOptions<StorageOptions> options, TableClientOptions? clientOptions = null)
    {
        StorageOptions settings = options.Value;
        _prefix = settings.TablePrefix;
        Service = string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? new TableServiceClient(
                new Uri(settings.TableServiceUri!),
                string.IsNullOrWhiteSpace(settings.ClientId)
                    ? new DefaultAzureCredential()
                    : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(settings.ClientId)),
                clientOptions)
            : new TableServiceClient(settings.ConnectionString!, clientOptions);
    }

    public TableServiceClient Service { get; }

    /// <summary>The table named <paramref name="name"/> (prefixed), created if missing.</summary>
    public Task<TableClient> GetTableAsync(string name, CancellationToken cancellationToken = default)
    {
        Lazy<Task<TableClient>> lazy = _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(() => CreateAsync(n)));
        Task<TableClient> task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed creation (storage briefly down) must not poison the table for the life of the process.
            _tables.TryUpdate(name, new Lazy<Task<TableClient>>(() => CreateAsync(name)), lazy);
            task = _tables[name].Value;
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task<TableClient> CreateAsync(string name)
    {
        TableClient table = Service.GetTableClient(_prefix + name);
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        return table;
    }
}

/// <summary>The names of the app's tables (before the prefix).</summary>
public static class TableNames
{
    public const string Instances = "instances";
    public const string Assets = "assets";
    public const string Edges = "edges";
    public const string Scans = "scans";
    public const string Webhooks = "webhooks";
    public const string Deliveries = "deliveries";
}
