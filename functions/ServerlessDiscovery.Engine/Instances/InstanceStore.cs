using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.Security;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Instances;

/// <summary>
/// Plugin instances in the "instances" table: PartitionKey tenant, RowKey instance id. Secret config fields are
/// encrypted (AES-GCM, bound to tenant and instance) in one column; the rest is plain JSON.
/// </summary>
public sealed class InstanceStore(TableStore tables, SecretProtector protector, PluginCatalog catalog)
{
    public async Task<PluginInstance?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        NullableResponse<TableEntity> row = await table.GetEntityIfExistsAsync<TableEntity>(tenant, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    public async Task<IReadOnlyList<PluginInstance>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        var list = new List<PluginInstance>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(tenant), cancellationToken: cancellationToken))
        {
            list.Add(FromRow(row));
        }

        return list;
    }

    /// <summary>Every instance of every tenant: what a tick considers.</summary>
    public async Task<IReadOnlyList<PluginInstance>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        var list = new List<PluginInstance>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter: (string?)null, cancellationToken: cancellationToken))
        {
            list.Add(FromRow(row));
        }

        return list;
    }

    /// <summary>Inserts a new instance; false when the id is taken.</summary>
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

    /// <summary>Replaces the instance if it has not changed since it was read (its ETag); returns the stored instance.</summary>
    public async Task<PluginInstance> ReplaceAsync(PluginInstance instance, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        Response response = await table.UpdateEntityAsync(ToRow(instance), instance.ETag is null ? ETag.All : new ETag(instance.ETag), TableUpdateMode.Replace, cancellationToken);
        return instance with { ETag = response.Headers.ETag?.ToString() };
    }

    public async Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Instances, cancellationToken);
        // The SDK answers a delete of a missing entity with its 404 response rather than an exception.
        Response response = await table.DeleteEntityAsync(tenant, id, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    private TableEntity ToRow(PluginInstance instance)
    {
        IPluginType? type = catalog.Find(instance.PluginType);
        var plain = new JsonObject();
        var secret = new JsonObject();
        foreach ((string name, JsonNode? value) in instance.Config)
        {
            bool isSecret = type?.Metadata.ConfigFields.Any(f => f.Name == name && f.Secret) ?? false;
            (isSecret ? secret : plain)[name] = value?.DeepClone();
        }

        var row = new TableEntity(instance.Tenant, instance.Id)
        {
            ["PluginType"] = instance.PluginType,
            ["DisplayName"] = instance.DisplayName,
            ["Schedule"] = instance.Schedule,
            ["Enabled"] = instance.Enabled,
            ["Traced"] = instance.Traced,
            ["Owner"] = instance.Owner.ToString(),
            ["ConfiguredBy"] = instance.ConfiguredBy.ToString(),
            ["Config"] = plain.ToJsonString(),
            ["Secrets"] = secret.Count == 0 ? null : protector.Protect(secret.ToJsonString(), SecretContext(instance.Tenant, instance.Id)),
            ["CreatedAt"] = instance.CreatedAt,
            ["UpdatedAt"] = instance.UpdatedAt,
            ["LeaseOwner"] = instance.LeaseOwner,
            ["LeaseUntil"] = instance.LeaseUntil,
            ["LastScheduledAt"] = instance.LastScheduledAt,
            ["LastRunId"] = instance.LastRunId,
            ["LastRunStatus"] = instance.LastRunStatus,
            ["LastRunAt"] = instance.LastRunAt,
        };
        foreach (string key in row.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            row.Remove(key);
        }

        return row;
    }

    private PluginInstance FromRow(TableEntity row)
    {
        var config = JsonNode.Parse(row.GetString("Config") ?? "{}") as JsonObject ?? [];
        bool secretsUnreadable = false;
        if (row.GetString("Secrets") is { } sealedSecrets)
        {
            try
            {
                string json = protector.Unprotect(sealedSecrets, SecretContext(row.PartitionKey, row.RowKey));
                foreach ((string name, JsonNode? value) in JsonNode.Parse(json)!.AsObject())
                {
                    config[name] = value?.DeepClone();
                }
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException or System.Text.Json.JsonException)
            {
                secretsUnreadable = true;
            }
        }

        return new PluginInstance
        {
            Tenant = row.PartitionKey,
            Id = row.RowKey,
            PluginType = row.GetString("PluginType") ?? string.Empty,
            DisplayName = row.GetString("DisplayName"),
            Schedule = row.GetString("Schedule") ?? PluginInstance.DefaultSchedule,
            Enabled = row.GetBoolean("Enabled") ?? true,
            Traced = row.GetBoolean("Traced") ?? false,
            Owner = Enum.TryParse(row.GetString("Owner"), out InstanceOwner owner) ? owner : InstanceOwner.Api,
            ConfiguredBy = Enum.TryParse(row.GetString("ConfiguredBy"), out InstanceConfiguredBy configuredBy) ? configuredBy : InstanceConfiguredBy.TenantKey,
            Config = config,
            SecretsUnreadable = secretsUnreadable,
            CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            LeaseOwner = row.GetString("LeaseOwner"),
            LeaseUntil = row.GetDateTimeOffset("LeaseUntil"),
            LastScheduledAt = row.GetDateTimeOffset("LastScheduledAt"),
            LastRunId = row.GetString("LastRunId"),
            LastRunStatus = row.GetString("LastRunStatus"),
            LastRunAt = row.GetDateTimeOffset("LastRunAt"),
            ETag = row.ETag == default ? null : row.ETag.ToString(),
        };
    }

    private static string SecretContext(string tenant, string id) => tenant + "/" + id;

    /// <summary>The instance's configuration validated against its type, or the errors.</summary>
    public (PluginConfiguration? Configuration, IReadOnlyList<ConfigError> Errors) Validate(PluginInstance instance)
    {
        if (instance.SecretsUnreadable)
        {
            return (null, [new ConfigError("config", "the stored secrets cannot be decrypted with the current Secrets__EncryptionKey (was the key changed?); set the instance's secret fields again.")]);
        }

        IPluginType? type = catalog.Find(instance.PluginType);
        return type is null
            ? (null, [new ConfigError("plugin_type", $"'{instance.PluginType}' is not a known plugin type.")])
            : PluginConfiguration.Validate(type, instance.Config);
    }
}
