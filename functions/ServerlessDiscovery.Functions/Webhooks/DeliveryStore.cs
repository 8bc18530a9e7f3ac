using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Functions.Webhooks;

/// <summary>Deliveries in the "deliveries" table: PartitionKey {tenant}~{instance}, RowKey the delivery id; the body in binary chunks.</summary>
internal sealed class DeliveryStore(TableStore tables)
{
    /// <summary>Inserts a new delivery; false when one with this id exists already (an idempotent fan-out ran before).</summary>
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

    /// <summary>
    /// Writes the delivery's state columns if the row is unchanged since read (else a 412 <see cref="RequestFailedException"/>).
    /// A merge, so the body is not sent again; with <paramref name="dropBody"/> the row is replaced without it instead.
    /// </summary>
    public async Task<WebhookDelivery> UpdateAsync(WebhookDelivery delivery, bool dropBody = false, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Deliveries, cancellationToken);
        TableEntity row = ToRow(delivery with { Body = null });
        Response response = await table.UpdateEntityAsync(
            row, delivery.ETag is null ? ETag.All : new ETag(delivery.ETag), dropBody ? TableUpdateMode.Replace : TableUpdateMode.Merge, cancellationToken);
        return delivery with { ETag = response.Headers.ETag?.ToString(), Body = dropBody ? null : delivery.Body };
    }

    /// <summary>Every pending delivery, without bodies: what a starting process picks up from the one before.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> ListPendingAsync(CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Deliveries, cancellationToken);
        var list = new List<WebhookDelivery>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(
            TableQueries.Equal("State", DeliveryStates.Pending),
            select: ["PartitionKey", "RowKey", "SubscriptionKey", "Kind", "ContentType", "State", "Attempts", "NextAttemptAt", "CreatedAt", "UpdatedAt"],
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
            ["Tenant"] = d.Tenant,
            ["InstanceId"] = d.InstanceId,
            ["SubscriptionKey"] = d.SubscriptionKey,
            ["Kind"] = d.Kind,
            ["ContentType"] = d.ContentType,
            ["State"] = d.State,
            ["Attempts"] = d.Attempts,
            ["NextAttemptAt"] = d.NextAttemptAt,
            ["LastStatus"] = d.LastStatus,
            ["LastError"] = d.LastError,
            ["CreatedAt"] = d.CreatedAt,
            ["UpdatedAt"] = d.UpdatedAt,
        };
        if (d.Body is not null)
        {
            LargeBinary.Write(row, "Body", d.Body);
        }

        return row;
    }

    private static WebhookDelivery FromRow(TableEntity row)
    {
        string[] partition = row.PartitionKey.Split(StorageKeys.Separator, 2);
        return new WebhookDelivery
        {
            Tenant = row.GetString("Tenant") ?? partition[0],
            InstanceId = row.GetString("InstanceId") ?? partition[1],
            Id = row.RowKey,
            SubscriptionKey = row.GetString("SubscriptionKey")!,
            Kind = row.GetString("Kind")!,
            ContentType = row.GetString("ContentType")!,
            Body = LargeBinary.Read(row, "Body"),
            State = row.GetString("State") ?? DeliveryStates.Pending,
            Attempts = row.GetInt32("Attempts") ?? 0,
            NextAttemptAt = row.GetDateTimeOffset("NextAttemptAt") ?? default,
            LastStatus = row.GetInt32("LastStatus"),
            LastError = row.GetString("LastError"),
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? default,
            UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? default,
            ETag = row.ETag == default ? null : row.ETag.ToString(),
        };
    }
}
