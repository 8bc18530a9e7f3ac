using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Webhooks;

namespace ServerlessDiscovery.Storage.Webhooks;

/// <summary>Deliveries in the "deliveries" table: PartitionKey {tenant}~{instance}, RowKey the delivery id; the body in binary chunks.</summary>
internal sealed class TableDeliveryStore(TableStore tables) : IDeliveryStore
{
    public async Task<bool> AddAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Deliveries, cancellationToken);
        try
        {
            await table.AddEntityAsync(ToRow(delivery), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<WebhookDelivery?> GetAsync(string tenant, string instanceId, string id, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Deliveries, cancellationToken);
        NullableResponse<TableEntity> row = await table.GetEntityIfExistsAsync<TableEntity>(StorageKeys.Partition(tenant, instanceId), id, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>A merge, so the body is not sent again; with <paramref name="dropBody"/> the row is replaced without it instead.</summary>
    public async Task<WebhookDelivery> UpdateAsync(WebhookDelivery delivery, bool dropBody = false, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Deliveries, cancellationToken);
        TableEntity row = ToRow(delivery with { Body = null });
        try
        {
            Response response = await table.UpdateEntityAsync(
                row, delivery.ETag is null ? ETag.All : new ETag(delivery.ETag), dropBody ? TableUpdateMode.Replace : TableUpdateMode.Merge, cancellationToken);
            return delivery with { ETag = response.Headers.ETag?.ToString(), Body = dropBody ? null : delivery.Body };
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            throw new WriteConflictException($"Delivery {delivery.Id} changed or was deleted since it was read.", ex);
        }
    }

    public async Task<IReadOnlyList<WebhookDelivery>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Deliveries, cancellationToken);
        var list = new List<WebhookDelivery>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(
            TableQueries.Equal(DeliveryColumns.State, DeliveryStates.Pending),
            select:
            [
                "PartitionKey", "RowKey", DeliveryColumns.SubscriptionKey, DeliveryColumns.Kind, DeliveryColumns.ContentType, DeliveryColumns.State,
                DeliveryColumns.Attempts, DeliveryColumns.NextAttemptAt, DeliveryColumns.CreatedAt, DeliveryColumns.UpdatedAt,
            ],
            cancellationToken: cancellationToken))
        {
            list.Add(FromRow(row));
        }

        return list;
    }

    private static TableEntity ToRow(WebhookDelivery d)
    {
        var row = new TableEntity(StorageKeys.Partition(d.Tenant, d.InstanceId), d.Id)
        {
            [DeliveryColumns.Tenant] = d.Tenant,
            [DeliveryColumns.InstanceId] = d.InstanceId,
            [DeliveryColumns.SubscriptionKey] = d.SubscriptionKey,
            [DeliveryColumns.Kind] = d.Kind,
            [DeliveryColumns.ContentType] = d.ContentType,
            [DeliveryColumns.State] = d.State,
            [DeliveryColumns.Attempts] = d.Attempts,
            [DeliveryColumns.NextAttemptAt] = d.NextAttemptAt,
            [DeliveryColumns.LastStatus] = d.LastStatus,
            [DeliveryColumns.LastError] = d.LastError,
            [DeliveryColumns.CreatedAt] = d.CreatedAt,
            [DeliveryColumns.UpdatedAt] = d.UpdatedAt,
        };
        if (d.Body is not null)
        {
            LargeBinary.Write(row, DeliveryColumns.Body, d.Body);
        }

        return row;
    }

    private static WebhookDelivery FromRow(TableEntity row)
    {
        string[] partition = row.PartitionKey.Split(StorageKeys.Separator, 2);
        return new WebhookDelivery
        {
            Tenant = row.GetString(DeliveryColumns.Tenant) ?? partition[0],
            InstanceId = row.GetString(DeliveryColumns.InstanceId) ?? partition[1],
            Id = row.RowKey,
            SubscriptionKey = row.GetString(DeliveryColumns.SubscriptionKey)!,
            Kind = row.GetString(DeliveryColumns.Kind)!,
            ContentType = row.GetString(DeliveryColumns.ContentType)!,
            Body = LargeBinary.Read(row, DeliveryColumns.Body),
            State = row.GetString(DeliveryColumns.State) ?? DeliveryStates.Pending,
            Attempts = row.GetInt32(DeliveryColumns.Attempts) ?? 0,
            NextAttemptAt = row.GetDateTimeOffset(DeliveryColumns.NextAttemptAt) ?? default,
            LastStatus = row.GetInt32(DeliveryColumns.LastStatus),
            LastError = row.GetString(DeliveryColumns.LastError),
            CreatedAt = row.GetDateTimeOffset(DeliveryColumns.CreatedAt) ?? default,
            UpdatedAt = row.GetDateTimeOffset(DeliveryColumns.UpdatedAt) ?? default,
            ETag = row.ETag == default ? null : row.ETag.ToString(),
        };
    }
}
