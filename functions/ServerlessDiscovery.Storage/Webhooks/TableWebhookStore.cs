using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Webhooks;

namespace ServerlessDiscovery.Storage.Webhooks;

/// <summary>
/// Subscriptions in the "webhooks" table: PartitionKey {tenant}~{instance}, RowKey the URL's hash. Headers and secret
/// are sealed (<see cref="IWebhookSecrets"/>) bound to tenant, instance and URL hash, so a ciphertext cannot be moved to another row.
/// </summary>
internal sealed class TableWebhookStore(TableStore tables, IWebhookSecrets secrets) : IWebhookStore
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
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(StorageKeys.Partition(tenant, instanceId)), select: [WebhookColumns.Url, WebhookColumns.CreatedAt], cancellationToken: cancellationToken))
        {
            urls.Add((row.GetDateTimeOffset(WebhookColumns.CreatedAt) ?? default, row.GetString(WebhookColumns.Url)!));
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

    private TableEntity ToRow(WebhookSubscription s) => new(StorageKeys.Partition(s.Tenant, s.InstanceId), s.Key)
    {
        [WebhookColumns.Url] = s.Url,
        [WebhookColumns.Headers] = secrets.Seal(
            JsonSerializer.Serialize(s.Headers, WebhookRowJsonContext.Default.IReadOnlyDictionaryStringString), s.Tenant, s.InstanceId, s.Key),
        [WebhookColumns.HeaderNames] = JsonSerializer.Serialize(s.Headers.Keys.ToArray(), WebhookRowJsonContext.Default.StringArray),
        [WebhookColumns.Events] = JsonSerializer.Serialize(s.Events.ToArray(), WebhookRowJsonContext.Default.StringArray),
        [WebhookColumns.Secret] = secrets.Seal(s.Secret, s.Tenant, s.InstanceId, s.Key),
        [WebhookColumns.OpenCiteSignature] = s.OpenCiteSignature,
        [WebhookColumns.CreatedAt] = s.CreatedAt,
        [WebhookColumns.UpdatedAt] = s.UpdatedAt,
    };

    private WebhookSubscription FromRow(string tenant, string instanceId, TableEntity row) => new()
    {
        Tenant = tenant,
        InstanceId = instanceId,
        Url = row.GetString(WebhookColumns.Url)!,
        Headers = JsonSerializer.Deserialize(
            secrets.Unseal(row.GetString(WebhookColumns.Headers)!, tenant, instanceId, row.RowKey), WebhookRowJsonContext.Default.DictionaryStringString)!,
        Events = JsonSerializer.Deserialize(row.GetString(WebhookColumns.Events) ?? "[]", WebhookRowJsonContext.Default.StringArray)!,
        Secret = secrets.Unseal(row.GetString(WebhookColumns.Secret)!, tenant, instanceId, row.RowKey),
        OpenCiteSignature = row.GetBoolean(WebhookColumns.OpenCiteSignature) ?? false,
        CreatedAt = row.GetDateTimeOffset(WebhookColumns.CreatedAt) ?? default,
        UpdatedAt = row.GetDateTimeOffset(WebhookColumns.UpdatedAt) ?? default,
    };
}
