using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Engine.Instances;

/// <summary>
/// Instances declared in app settings: Plugins__{id}__Type, __Schedule, __Enabled, __Traced, __DisplayName, __Tenant and
/// __Config__{field}. Read and validated at start-up; a bad one stops the app with the setting named.
/// </summary>
public sealed class ConfiguredInstances
{
    public const string Section = "Plugins";

    public ConfiguredInstances(IConfiguration configuration, IServiceProvider services)
    {
        var instances = new List<PluginInstance>();
        var errors = new List<string>();
        IConfigurationSection[] sections = [.. configuration.GetSection(Section).GetChildren()];

        // The catalog loads every plugin assembly; without configured instances start-up need not wait for that.
        PluginCatalog? catalog = sections.Length == 0 ? null : services.GetRequiredService<PluginCatalog>();
        foreach (IConfigurationSection section in sections)
        {
            string id = section.Key;
            string prefix = $"{Section}__{id}__";
            if (!InstanceIds.IsValid(id))
            {
                errors.Add($"{Section}__{id}: the instance id must be 1-63 letters, digits, '-' or '_', starting with a letter or digit.");
                continue;
            }

            string? typeId = section["Type"];
            IPluginType? type = typeId is null ? null : catalog!.Find(typeId);
            if (type is null)
            {
                errors.Add($"{prefix}Type '{typeId}' is not a known plugin type ({string.Join(", ", catalog!.Types.Select(t => t.Metadata.TypeId).Order())}).");
                continue;
            }

            string schedule = section["Schedule"] is { Length: > 0 } s ? s : PluginInstance.DefaultSchedule;
            if (ScanSchedule.TryParse(schedule) is null)
            {
                errors.Add($"{prefix}Schedule '{schedule}' is not a 6-field NCRONTAB expression.");
            }

            bool enabled = true;
            if (section["Enabled"] is { Length: > 0 } e && !bool.TryParse(e, out enabled))
            {
                errors.Add($"{prefix}Enabled must be true or false.");
            }

            // The tenant's statement that this source's traffic is traced: it gates unused findings.
            bool traced = false;
            if (section["Traced"] is { Length: > 0 } tr && !bool.TryParse(tr, out traced))
            {
                errors.Add($"{prefix}Traced must be true or false.");
            }

            string tenant = section["Tenant"] is { Length: > 0 } t ? t : "default";
            if (!tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || tenant.Length > 64)
            {
                errors.Add($"{prefix}Tenant must be 1-64 letters, digits, '-' or '_'.");
            }

            JsonObject config = ReadConfig(section.GetSection("Config"));
            (PluginConfiguration? validated, IReadOnlyList<ConfigError> configErrors) = PluginConfiguration.Validate(type, config);
            errors.AddRange(configErrors.Select(c => $"{prefix}Config__{c.Field} {c.Message}"));
            instances.Add(new PluginInstance
            {
                Tenant = tenant,
                Id = id,
                PluginType = type.Metadata.TypeId,
                DisplayName = section["DisplayName"],
                Schedule = schedule,
                Enabled = enabled,
                Traced = traced,
                Owner = InstanceOwner.Configuration,
                Config = validated?.ToJson() ?? config,
            });
        }

        Instances = instances;
        Errors = errors;
    }

    public IReadOnlyList<PluginInstance> Instances { get; }

    public IReadOnlyList<string> Errors { get; }

    private static JsonObject ReadConfig(IConfigurationSection section)
    {
        var config = new JsonObject();
        foreach (IConfigurationSection field in section.GetChildren())
        {
            IConfigurationSection[] children = [.. field.GetChildren()];
            if (children.Length == 0)
            {
                config[field.Key] = field.Value;
            }
            else if (children.All(c => int.TryParse(c.Key, out _)))
            {
                config[field.Key] = new JsonArray([.. children.OrderBy(c => int.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture)).Select(c => (JsonNode?)JsonValue.Create(c.Value))]);
            }
            else
            {
                var map = new JsonObject();
                foreach (IConfigurationSection child in children)
                {
                    map[child.Key] = child.Value;
                }

                config[field.Key] = map;
            }
        }

        return config;
    }
}

internal sealed class ConfiguredInstancesValidator(ConfiguredInstances configured) : IValidateOptions<ConfiguredInstancesValidator.Marker>
{
    public ValidateOptionsResult Validate(string? name, Marker options) =>
        configured.Errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(configured.Errors);

    /// <summary>An options type that exists only so configured instances are validated with the other settings at start-up.</summary>
    internal sealed class Marker;
}

/// <summary>Brings the store in line with the configured instances: adds, updates and removes configuration-owned rows.</summary>
public sealed partial class InstanceReconciler(ConfiguredInstances configured, IInstanceStore store, TimeProvider time, ILogger<InstanceReconciler> logger)
{
    public async Task ReconcileAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<PluginInstance> stored = await store.ListAllAsync(cancellationToken);
        var byKey = stored.ToDictionary(i => (i.Tenant, i.Id));
        DateTimeOffset now = time.GetUtcNow();
        foreach (PluginInstance wanted in configured.Instances)
        {
            if (!byKey.TryGetValue((wanted.Tenant, wanted.Id), out PluginInstance? current))
            {
                await store.AddAsync(wanted with { CreatedAt = now, UpdatedAt = now }, cancellationToken);
                continue;
            }

            if (current.Owner != InstanceOwner.Configuration)
            {
                LogOwnedByApi(logger, wanted.Tenant, wanted.Id);
                continue;
            }

            bool same = current.PluginType == wanted.PluginType && current.Schedule == wanted.Schedule && current.Enabled == wanted.Enabled
                && current.Traced == wanted.Traced && current.DisplayName == wanted.DisplayName && JsonNode.DeepEquals(current.Config, wanted.Config);
            if (!same)
            {
                try
                {
                    await store.ReplaceAsync(current with
                    {
                        PluginType = wanted.PluginType,
                        Schedule = wanted.Schedule,
                        Enabled = wanted.Enabled,
                        Traced = wanted.Traced,
                        DisplayName = wanted.DisplayName,
                        Config = wanted.Config,
                        UpdatedAt = now,
                    }, cancellationToken);
                }
                catch (Domain.WriteConflictException)
                {
                    // A scan claimed it meanwhile; the next reconcile applies the change.
                }
            }
        }

        var wantedKeys = configured.Instances.Select(i => (i.Tenant, i.Id)).ToHashSet();
        foreach (PluginInstance orphan in stored.Where(i => i.Owner == InstanceOwner.Configuration && !wantedKeys.Contains((i.Tenant, i.Id))))
        {
            await store.DeleteAsync(orphan.Tenant, orphan.Id, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Plugins__{Instance} is configured, but {Tenant}/{Instance} was created over the API; the API's instance is kept")]
    private static partial void LogOwnedByApi(ILogger logger, string tenant, string instance);
}
