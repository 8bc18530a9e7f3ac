using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Storage;

/// <summary>
/// The app's tables. Each is created on first use, once per process, so start-up makes no storage calls
/// and a table deleted underneath us is recreated on the next process start.
/// </summary>
public sealed class TableStore
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);
    private readonly string _prefix;

    /// <param name="options">Where the tables are (Storage__*).</param>
    /// <param name="clientOptions">Pipeline options; <see cref="CreateClientOptions"/> when null. Tests add policies or a transport to it.</param>
    public TableStore(IOptions<StorageOptions> options, TableClientOptions? clientOptions = null)
    {
        StorageOptions settings = options.Value;
        _prefix = settings.TablePrefix;
        clientOptions ??= CreateClientOptions();
        Service = string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? new TableServiceClient(
                new Uri(settings.TableServiceUri!),
                string.IsNullOrWhiteSpace(settings.ClientId)
                    ? new DefaultAzureCredential()
                    : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(settings.ClientId)),
                clientOptions)
            : new TableServiceClient(settings.ConnectionString, clientOptions);
    }

    public TableServiceClient Service { get; }

    /// <summary>
    /// Azure.Core's retry (408, 429, 500, 502, 503, 504 and network errors; never 409 or 412), exponential from 200 ms,
    /// at most 5 retries and 10 s between them, 30 s per attempt; request and response bodies are never logged.
    /// </summary>
    public static TableClientOptions CreateClientOptions()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        options.Diagnostics.IsLoggingContentEnabled = false;
        return options;
    }

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

    /// <summary>A cheap authenticated call (list one table name) that tells whether Table Storage answers.</summary>
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        await foreach (Azure.Page<Azure.Data.Tables.Models.TableItem> page in Service.QueryAsync(filter: (string?)null, maxPerPage: 1, cancellationToken).AsPages(pageSizeHint: 1))
        {
            _ = page;
            break;
        }
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
    public const string BomVersions = "bomversions";
    public const string Findings = "findings";
    /// <summary>The OTLP write-ahead journal: each acknowledged request's observations until they are in the inventory.</summary>
    public const string OtlpJournal = "otlpjournal";
    /// <summary>What could not be written and was set aside (<see cref="Journal.TableQuarantine"/>).</summary>
    public const string Quarantine = "quarantine";
    public const string Changes = "changes";
    /// <summary>Tool identity mappings (OpenCITE's map-tool), one partition per tenant.</summary>
    public const string ToolMappings = "toolmappings";
}
