using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Instances;

namespace ServerlessDiscovery.Storage.Instances;

/// <summary>
/// Plugin instances in the "instances" table: PartitionKey tenant, RowKey instance id. Secret config fields are sealed
/// (<see cref="IInstanceSecrets"/>) in one column; the rest is plain JSON.
/// </summary>
internal sealed class TableInstanceStore(TableStore tables, IInstanceSecrets secrets) : IInstanceStore
{
    public async Task<PluginInstance?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        NullableResponse<TableEntity> row = await table.GetEntityIfExistsAsync<TableEntity>(tenant, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    public async Task<IReadOnlyList<PluginInstance>> ListAsync(string tenant, CancellationToken cancellationToken = default) =>
        await QueryAsync(TableQueries.Partition(tenant), cancellationToken);

    public async Task<IReadOnlyList<PluginInstance>> ListAllAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync(null, cancellationToken);

    public async Task<bool> AddAsync(PluginInstance instance, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        try
        {
            await table.AddEntityAsync(ToRow(instance), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<PluginInstance> ReplaceAsync(PluginInstance instance, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        try
        {
            Response response = await table.UpdateEntityAsync(
                ToRow(instance), instance.ETag is null ? ETag.All : new ETag(instance.ETag), TableUpdateMode.Replace, cancellationToken);
            return instance with { ETag = response.Headers.ETag?.ToString() };
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            throw new WriteConflictException($"Instance {instance.Tenant}/{instance.Id} changed or was deleted since it was read.", ex);
        }
    }

    public async Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        // The SDK answers a delete of a missing entity with its 404 response rather than an exception.
        Response response = await table.DeleteEntityAsync(tenant, id, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    private async Task<List<PluginInstance>> QueryAsync(string? filter, CancellationToken cancellationToken)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        var list = new List<PluginInstance>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(FromRow(row));
        }

        return list;
    }

    private TableEntity ToRow(PluginInstance instance)
    {
        var plain = new JsonObject();
        var secret = new JsonObject();
        foreach ((string name, JsonNode? value) in instance.Config)
        {
            (secrets.IsSecret(instance.PluginType, name) ? secret : plain)[name] = value?.DeepClone();
        }

        var row = new TableEntity(instance.Tenant, instance.Id)
        {
            [InstanceColumns.PluginType] = instance.PluginType,
            [InstanceColumns.DisplayName] = instance.DisplayName,
            [InstanceColumns.Schedule] = instance.Schedule,
            [InstanceColumns.Enabled] = instance.Enabled,
            [InstanceColumns.Traced] = instance.Traced,
            [InstanceColumns.Owner] = instance.Owner.ToString(),
            [InstanceColumns.ConfiguredBy] = instance.ConfiguredBy.ToString(),
            [InstanceColumns.Config] = plain.ToJsonString(),
            [InstanceColumns.Secrets] = secret.Count == 0 ? null : secrets.Seal(secret.ToJsonString(), instance.Tenant, instance.Id),
            [InstanceColumns.CreatedAt] = instance.CreatedAt,
            [InstanceColumns.UpdatedAt] = instance.UpdatedAt,
            [InstanceColumns.LeaseOwner] = instance.LeaseOwner,
            [InstanceColumns.LeaseUntil] = instance.LeaseUntil,
            [InstanceColumns.LastScheduledAt] = instance.LastScheduledAt,
            [InstanceColumns.LastRunId] = instance.LastRunId,
            [InstanceColumns.LastRunStatus] = instance.LastRunStatus,
            [InstanceColumns.LastRunAt] = instance.LastRunAt,
        };
        foreach (string key in row.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            row.Remove(key);
        }

        return row;
    }

    private PluginInstance FromRow(TableEntity row)
    {
        var config = JsonNode.Parse(row.GetString(InstanceColumns.Config) ?? "{}") as JsonObject ?? [];
        bool secretsUnreadable = false;
        if (row.GetString(InstanceColumns.Secrets) is { } sealedSecrets)
        {
            try
            {
                string json = secrets.Unseal(sealedSecrets, row.PartitionKey, row.RowKey);
                foreach ((string name, JsonNode? value) in JsonNode.Parse(json)!.AsObject())
                {
                    config[name] = value?.DeepClone();
                }
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
            {
                secretsUnreadable = true;
            }
        }

        return new PluginInstance
        {
            Tenant = row.PartitionKey,
            Id = row.RowKey,
            PluginType = row.GetString(InstanceColumns.PluginType) ?? string.Empty,
            DisplayName = row.GetString(InstanceColumns.DisplayName),
            Schedule = row.GetString(InstanceColumns.Schedule) ?? PluginInstance.DefaultSchedule,
            Enabled = row.GetBoolean(InstanceColumns.Enabled) ?? true,
            Traced = row.GetBoolean(InstanceColumns.Traced) ?? false,
            Owner = Enum.TryParse(row.GetString(InstanceColumns.Owner), out InstanceOwner owner) ? owner : InstanceOwner.Api,
            ConfiguredBy = Enum.TryParse(row.GetString(InstanceColumns.ConfiguredBy), out InstanceConfiguredBy configuredBy) ? configuredBy : InstanceConfiguredBy.TenantKey,
            Config = config,
            SecretsUnreadable = secretsUnreadable,
            CreatedAt = row.GetDateTimeOffset(InstanceColumns.CreatedAt) ?? DateTimeOffset.MinValue,
            UpdatedAt = row.GetDateTimeOffset(InstanceColumns.UpdatedAt) ?? DateTimeOffset.MinValue,
            LeaseOwner = row.GetString(InstanceColumns.LeaseOwner),
            LeaseUntil = row.GetDateTimeOffset(InstanceColumns.LeaseUntil),
            LastScheduledAt = row.GetDateTimeOffset(InstanceColumns.LastScheduledAt),
            LastRunId = row.GetString(InstanceColumns.LastRunId),
            LastRunStatus = row.GetString(InstanceColumns.LastRunStatus),
            LastRunAt = row.GetDateTimeOffset(InstanceColumns.LastRunAt),
            ETag = row.ETag == default ? null : row.ETag.ToString(),
        };
    }
}
