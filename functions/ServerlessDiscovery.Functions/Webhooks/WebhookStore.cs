using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.Security;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Functions.Webhooks;

/// <summary>
/// Subscriptions in the "webhooks" table: PartitionKey {tenant}~{instance}, RowKey the URL's hash. Headers and secret
/// are encrypted with a context bound to tenant, instance and URL hash, so a ciphertext cannot be moved to another row.
/// </summary>
internal sealed class WebhookStore(TableStore tables, SecretProtector protector)
{
    private int _generation;

    /// <summary>Changes whenever this process adds or removes a subscription, so caches of subscriptions can tell they are out of date.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string tenant, string instanceId, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Webhooks, cancellationToken);
        var list = new List<WebhookSubscription>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(StorageKeys.Partition(tenant, instanceId)), cancellationToken: cancellationToken))
        {
            list.Add(FromRow(tenant, instanceId, row));
        }

        return list;
    }

    /// <summary>
    /// The URLs subscribed to an instance, oldest first, read without opening any sealed header or secret: an instance
    /// lists its webhooks even when they no longer open (Secrets__EncryptionKey changed).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListUrlsAsync(string tenant, string instanceId, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Webhooks, cancellationToken);
        var urls = new List<(DateTimeOffset CreatedAt, string Url)>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(StorageKeys.Partition(tenant, instanceId)), select: ["Url", "CreatedAt"], cancellationToken: cancellationToken))
        {
            urls.Add((row.GetDateTimeOffset("CreatedAt") ?? default, row.GetString("Url")!));
        }

        return [.. urls.OrderBy(u => u.CreatedAt).ThenBy(u => u.Url, StringComparer.Ordinal).Select(u => u.Url)];
    }

    public async Task<WebhookSubscription?> GetAsync(string tenant, string instanceId, string key, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Webhooks, cancellationToken);
        NullableResponse<TableEntity> row = await table.GetEntityIfExistsAsync<TableEntity>(StorageKeys.Partition(tenant, instanceId), key, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(tenant, instanceId, row.Value!) : null;
    }

    /// <summary>Creates the subscription, or replaces the one for the same URL (keeping its creation time).</summary>
    public async Task<WebhookSubscription> UpsertAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default)
    {
        WebhookSubscription? existing = await GetAsync(subscription.Tenant, subscription.InstanceId, subscription.Key, cancellationToken);
        WebhookSubscription stored = subscription with { CreatedAt = existing?.CreatedAt ?? subscription.CreatedAt };
        TableClient table = await tables.GetTableAsync(TableNames.Webhooks, cancellationToken);
        await table.UpsertEntityAsync(ToRow(stored), TableUpdateMode.Replace, cancellationToken);
        Interlocked.Increment(ref _generation);
        return stored;
    }

    public async Task<bool> DeleteAsync(string tenant, string instanceId, string key, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Webhooks, cancellationToken);
        // The SDK answers a delete of a missing entity with its 404 response rather than an exception.
        bool deleted = (await table.DeleteEntityAsync(StorageKeys.Partition(tenant, instanceId), key, ETag.All, cancellationToken)).Status != 404;
        Interlocked.Increment(ref _generation);
        return deleted;
    }

    /// <summary>Removes every subscription of an instance (it is being deleted), so a later instance of that id starts with none.</summary>
    public async Task DeleteAllAsync(string tenant, string instanceId, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Webhooks, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instanceId);
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(partition), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            await table.DeleteEntityAsync(partition, row.RowKey, ETag.All, cancellationToken);
        }

        Interlocked.Increment(ref _generation);
    }

    private static string Context(string tenant, string instanceId, string key) => $"webhook:{tenant}/{instanceId}/{key}";

    private TableEntity ToRow(WebhookSubscription s)
    {
        string context = Context(s.Tenant, s.InstanceId, s.Key);
        return new TableEntity(StorageKeys.Partition(s.Tenant, s.InstanceId), s.Key)
        {
            ["Url"] = s.Url,
            ["Headers"] = protector.Protect(JsonSerializer.Serialize(s.Headers, WebhookJsonContext.Default.IReadOnlyDictionaryStringString), context),
            ["HeaderNames"] = JsonSerializer.Serialize(s.Headers.Keys.ToArray(), WebhookJsonContext.Default.StringArray),
            ["Events"] = JsonSerializer.Serialize(s.Events.ToArray(), WebhookJsonContext.Default.StringArray),
            ["Secret"] = protector.Protect(s.Secret, context),
            ["OpenCiteSignature"] = s.OpenCiteSignature,
            ["CreatedAt"] = s.CreatedAt,
            ["UpdatedAt"] = s.UpdatedAt,
        };
    }

    private WebhookSubscription FromRow(string tenant, string instanceId, TableEntity row)
    {
        string context = Context(tenant, instanceId, row.RowKey);
        return new WebhookSubscription
        {
            Tenant = tenant,
            InstanceId = instanceId,
            Url = row.GetString("Url")!,
            Headers = JsonSerializer.Deserialize(protector.Unprotect(row.GetString("Headers")!, context), WebhookJsonContext.Default.DictionaryStringString)!,
            Events = JsonSerializer.Deserialize(row.GetString("Events") ?? "[]", WebhookJsonContext.Default.StringArray)!,
            Secret = protector.Unprotect(row.GetString("Secret")!, context),
            OpenCiteSignature = row.GetBoolean("OpenCiteSignature") ?? false,
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
            UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? default,
        };
    }
}
