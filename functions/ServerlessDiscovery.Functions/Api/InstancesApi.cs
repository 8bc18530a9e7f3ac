using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Functions.Security;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Egress;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>Plugin instances: CRUD, verify, refresh, start/stop, scan history, and discovery status.</summary>
internal static partial class InstancesApi
{
    public static void MapInstancesApi(this RouteGroupBuilder api)
    {
        RouteGroupBuilder instances = api.MapGroup("/instances").WithTags("Instances");
        instances.MapGet("/", ListAsync);
        instances.MapPost("/", CreateAsync);
        instances.MapGet("/{id}", GetAsync);
        instances.MapPut("/{id}", UpdateAsync);
        instances.MapDelete("/{id}", DeleteAsync);
        instances.MapPost("/{id}/verify", VerifyAsync);
        instances.MapPost("/{id}/refresh", RefreshAsync);
        instances.MapPost("/{id}/start", (string id, HttpContext context, InstanceStore store, PluginCatalog catalog, TimeProvider time) => SetEnabledAsync(id, true, context, store, catalog, time));
        instances.MapPost("/{id}/stop", (string id, HttpContext context, InstanceStore store, PluginCatalog catalog, TimeProvider time) => SetEnabledAsync(id, false, context, store, catalog, time));
        instances.MapGet("/{id}/scans", ScansAsync);
        api.MapGet("/status", StatusAsync).WithTags("Instances");
    }

    private static async Task<IResult> ListAsync(HttpContext context, InstanceStore store, PluginCatalog catalog, string? plugin_type)
    {
        IReadOnlyList<PluginInstance> all = await store.ListAsync(context.User.GetCaller().Tenant, context.RequestAborted);
        var items = new JsonArray([.. all.Where(i => plugin_type is null || i.PluginType == plugin_type).OrderBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => (JsonNode?)ToJson(i, catalog))]);
        return TypedResults.Json<JsonNode>(new JsonObject { ["instances"] = items, ["count"] = items.Count });
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, InstanceStore store, PluginCatalog catalog)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        return instance is null ? NotFound(id) : TypedResults.Json<JsonNode>(ToJson(instance, catalog));
    }

    private static async Task<IResult> CreateAsync(HttpContext context, InstanceStore store, PluginCatalog catalog, AddressPolicy policy, TimeProvider time)
    {
        (JsonObject? body, IResult? problem) = await ApiRequest.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return problem!;
        }

        var errors = new List<(string, string)>();
        Check(ApiRequest.TryGetString(body, "plugin_type", out string? typeId, out string? e1), e1, "plugin_type", errors);
        IPluginType? type = typeId is null ? null : catalog.Find(typeId);
        if (typeId is null && e1 is null)
        {
            errors.Add(("plugin_type", "is required."));
        }
        else if (typeId is not null && type is null)
        {
            errors.Add(("plugin_type", $"'{typeId}' is not a known plugin type; GET /api/v1/plugin-types lists them."));
        }

        Check(ApiRequest.TryGetString(body, "instance_id", out string? id, out string? e2), e2, "instance_id", errors);
        if (id is not null && !InstanceIds.IsValid(id))
        {
            errors.Add(("instance_id", "must be 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit."));
        }

        Check(ApiRequest.TryGetString(body, "display_name", out string? displayName, out string? e3), e3, "display_name", errors);
        if (displayName is { Length: > 256 })
        {
            errors.Add(("display_name", "is longer than 256 characters."));
        }

        string schedule = ReadSchedule(body, errors) ?? PluginInstance.DefaultSchedule;
        Check(ApiRequest.TryGetBool(body, "enabled", out bool? enabled, out string? e4), e4, "enabled", errors);
        Check(ApiRequest.TryGetBool(body, "traced", out bool? traced, out string? e5), e5, "traced", errors);
        JsonObject? rawConfig = ReadConfig(body, errors);
        JsonObject? config = null;
        if (type is not null && rawConfig is not null)
        {
            (PluginConfiguration? validated, IReadOnlyList<ConfigError> configErrors) = PluginConfiguration.Validate(type, rawConfig);
            errors.AddRange(configErrors.Select(c => ($"config.{c.Field}", c.Message)));
            config = validated?.ToJson();
            await CheckUrlsAsync(type, validated, policy, errors, context.RequestAborted);
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        DateTimeOffset now = time.GetUtcNow();
        var instance = new PluginInstance
        {
            Tenant = context.User.GetCaller().Tenant,
            Id = id ?? InstanceIds.New(type!.Metadata.TypeId),
            PluginType = type!.Metadata.TypeId,
            DisplayName = displayName,
            Schedule = schedule,
            Enabled = enabled ?? true,
            Traced = traced ?? false,
            Config = config!,
            ConfiguredBy = ConfiguredBy(context),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await store.AddAsync(instance, context.RequestAborted))
        {
            return ApiRequest.Conflict($"Instance '{instance.Id}' already exists.");
        }

        PluginInstance stored = (await store.GetAsync(instance.Tenant, instance.Id, context.RequestAborted))!;
        return TypedResults.Created($"/api/v1/instances/{instance.Id}", (JsonNode)ToJson(stored, catalog));
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext context, InstanceStore store, PluginCatalog catalog, AddressPolicy policy, TimeProvider time)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NotFound(id);
        }

        if (instance.Owner == InstanceOwner.Configuration)
        {
            return ConfigurationOwned(id);
        }

        (JsonObject? body, IResult? problem) = await ApiRequest.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return problem!;
        }

        var errors = new List<(string, string)>();
        if (body.ContainsKey("plugin_type") && body["plugin_type"]?.ToString() != instance.PluginType)
        {
            errors.Add(("plugin_type", "cannot be changed; create a new instance instead."));
        }

        Check(ApiRequest.TryGetString(body, "display_name", out string? displayName, out string? e1), e1, "display_name", errors);
        string? schedule = ReadSchedule(body, errors);
        Check(ApiRequest.TryGetBool(body, "enabled", out bool? enabled, out string? e2), e2, "enabled", errors);
        Check(ApiRequest.TryGetBool(body, "traced", out bool? traced, out string? e3), e3, "traced", errors);
        JsonObject? config = instance.Config;
        JsonObject? rawConfig = body.ContainsKey("config") ? ReadConfig(body, errors) : null;
        IPluginType? type = catalog.Find(instance.PluginType);
        if (rawConfig is not null && type is not null)
        {
            // A masked secret sent back unchanged means "keep the stored one", so GET → edit → PUT round-trips.
            foreach (ConfigField field in type.Metadata.ConfigFields.Where(f => f.Secret))
            {
                if (rawConfig[field.Name] is JsonValue v && v.TryGetValue(out string? s) && s == PluginConfiguration.Mask)
                {
                    rawConfig[field.Name] = instance.Config[field.Name]?.DeepClone();
                }
            }

            (PluginConfiguration? validated, IReadOnlyList<ConfigError> configErrors) = PluginConfiguration.Validate(type, rawConfig);
            errors.AddRange(configErrors.Select(c => ($"config.{c.Field}", c.Message)));
            config = validated?.ToJson();
            await CheckUrlsAsync(type, validated, policy, errors, context.RequestAborted);
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        try
        {
            PluginInstance updated = await store.ReplaceAsync(instance with
            {
                DisplayName = body.ContainsKey("display_name") ? displayName : instance.DisplayName,
                Schedule = schedule ?? instance.Schedule,
                Enabled = enabled ?? instance.Enabled,
                Traced = traced ?? instance.Traced,
                Config = config!,
                // Whoever sets the configuration owns it: a tenant key's edit of an operator's instance takes away the host's identity.
                ConfiguredBy = rawConfig is null ? instance.ConfiguredBy : ConfiguredBy(context),
                UpdatedAt = time.GetUtcNow(),
            }, context.RequestAborted);
            return TypedResults.Json<JsonNode>(ToJson(updated, catalog));
        }
        catch (RequestFailedException conflict) when (conflict.Status == 412)
        {
            return ApiRequest.Conflict($"Instance '{id}' changed while it was being updated (a scan started or finished); read it again and retry.");
        }
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, InstanceStore store)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NotFound(id);
        }

        if (instance.Owner == InstanceOwner.Configuration)
        {
            return ConfigurationOwned(id);
        }

        await store.DeleteAsync(instance.Tenant, instance.Id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> VerifyAsync(string id, HttpContext context, InstanceStore store, ScanRunner runner)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NotFound(id);
        }

        VerifyResult result = await runner.VerifyAsync(instance, context.RequestAborted);
        var json = new JsonObject { ["success"] = result.Success };
        if (result.Error is not null)
        {
            json["error"] = result.Error;
        }

        return TypedResults.Json<JsonNode>(json);
    }

    private static async Task<IResult> RefreshAsync(string id, HttpContext context, InstanceStore store, DiscoveryScheduler scheduler, TimeProvider time, bool? force)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NotFound(id);
        }

        bool forced = force ?? false;
        (JsonObject? body, IResult? problem) = await ApiRequest.ReadObjectAsync(context.Request, required: false);
        if (body is null)
        {
            return problem!;
        }

        if (ApiRequest.TryGetBool(body, "force", out bool? bodyForce, out string? error))
        {
            if (error is not null)
            {
                return ApiRequest.Invalid([("force", error)]);
            }

            forced |= bodyForce ?? false;
        }

        ScanClaim? claim = await scheduler.StartRefreshAsync(instance, forced, time.GetUtcNow(), context.RequestAborted);
        if (claim is null)
        {
            return ApiRequest.Conflict($"A scan of '{id}' is already running (run {instance.LastRunId}).");
        }

        return TypedResults.Json<JsonNode>(
            new JsonObject { ["scan_run_id"] = claim.RunId, ["status"] = ScanStatus.Running, ["forced"] = forced },
            statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> SetEnabledAsync(string id, bool enabled, HttpContext context, InstanceStore store, PluginCatalog catalog, TimeProvider time)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            PluginInstance? instance = await FindAsync(id, context, store);
            if (instance is null)
            {
                return NotFound(id);
            }

            if (instance.Owner == InstanceOwner.Configuration)
            {
                return ConfigurationOwned(id);
            }

            try
            {
                PluginInstance updated = await store.ReplaceAsync(instance with { Enabled = enabled, UpdatedAt = time.GetUtcNow() }, context.RequestAborted);
                return TypedResults.Json<JsonNode>(ToJson(updated, catalog));
            }
            catch (RequestFailedException conflict) when (conflict.Status == 412)
            {
                // A scan claimed or released it meanwhile: read again and reapply.
            }
        }

        return ApiRequest.Conflict($"Instance '{id}' kept changing; retry.");
    }

    private static async Task<IResult> ScansAsync(string id, HttpContext context, InstanceStore store, ScanStore scans, int? limit)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NotFound(id);
        }

        if (limit is < 1 or > 1000)
        {
            return ApiRequest.Invalid([("limit", "must be between 1 and 1000.")]);
        }

        IReadOnlyList<ScanRun> runs = await scans.ListAsync(instance.Tenant, instance.Id, limit ?? 50, context.RequestAborted);
        var items = new JsonArray([.. runs.Select(r => (JsonNode?)r.ToJson())]);
        return TypedResults.Json<JsonNode>(new JsonObject { ["instance_id"] = id, ["scans"] = items, ["count"] = items.Count });
    }

    private static async Task<IResult> StatusAsync(HttpContext context, InstanceStore store, TimeProvider time)
    {
        IReadOnlyList<PluginInstance> all = await store.ListAsync(context.User.GetCaller().Tenant, context.RequestAborted);
        DateTimeOffset now = time.GetUtcNow();
        var items = new JsonArray([.. all.OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => (JsonNode?)new JsonObject
        {
            ["instance_id"] = i.Id,
            ["plugin_type"] = i.PluginType,
            ["enabled"] = i.Enabled,
            ["running"] = i.LeaseOwner is not null && i.LeaseUntil > now,
            ["last_scan_run_id"] = i.LastRunId,
            ["last_scan_status"] = i.LastRunStatus,
            ["last_scan_at"] = i.LastRunAt,
            ["next_run"] = NextRun(i),
        })]);
        return TypedResults.Json<JsonNode>(DiscoveryStatusApi.Status(context.User.GetCaller().Tenant, all, items, now));
    }

    private static InstanceConfiguredBy ConfiguredBy(HttpContext context) =>
        context.User.GetCaller().AllTenants ? InstanceConfiguredBy.Operator : InstanceConfiguredBy.TenantKey;

    /// <summary>
    /// Every URL of the configuration through the egress address policy, now: URL fields, and string fields holding an
    /// endpoint template such as https://{region}.example.com (each placeholder checked as one label). Connections
    /// are checked again when they are made, so a name that resolves elsewhere later gains nothing.
    /// </summary>
    private static async Task CheckUrlsAsync(IPluginType type, PluginConfiguration? configuration, AddressPolicy policy, List<(string, string)> errors, CancellationToken cancellationToken)
    {
        if (configuration is null)
        {
            return;
        }

        foreach (ConfigField field in type.Metadata.ConfigFields.Where(f => f.Type is ConfigFieldType.Url or ConfigFieldType.String))
        {
            if (EndpointOf(field, configuration) is { } url && await policy.CheckUrlAsync(url, allowUnresolved: true, cancellationToken) is { } refused)
            {
                errors.Add(($"config.{field.Name}", refused));
            }
        }
    }

    private static Uri? EndpointOf(ConfigField field, PluginConfiguration configuration)
    {
        if (field.Type == ConfigFieldType.Url)
        {
            return configuration.GetUrl(field.Name);
        }

        string? text = configuration.GetString(field.Name);
        if (text is null || !(text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        string expanded = PlaceholderPattern().Replace(text, "x");
        return Uri.TryCreate(expanded, UriKind.Absolute, out Uri? url) ? url : null;
    }

    [GeneratedRegex(@"\{[A-Za-z_]+\}")]
    private static partial Regex PlaceholderPattern();

    private static Task<PluginInstance?> FindAsync(string id, HttpContext context, InstanceStore store) =>
        InstanceIds.IsValid(id) ? store.GetAsync(context.User.GetCaller().Tenant, id, context.RequestAborted) : Task.FromResult<PluginInstance?>(null);

    private static ProblemHttpResult NotFound(string id) => ApiRequest.NotFound($"No instance '{id}' in this tenant.");

    private static ProblemHttpResult ConfigurationOwned(string id) =>
        ApiRequest.Conflict($"Instance '{id}' is declared in app settings (Plugins__{id}__*); change it there, not over the API.");

    private static void Check(bool present, string? error, string field, List<(string, string)> errors)
    {
        if (present && error is not null)
        {
            errors.Add((field, error));
        }
    }

    private static string? ReadSchedule(JsonObject body, List<(string, string)> errors)
    {
        if (!ApiRequest.TryGetString(body, "schedule", out string? schedule, out string? error))
        {
            return null;
        }

        if (error is not null)
        {
            errors.Add(("schedule", error));
            return null;
        }

        if (ScanSchedule.TryParse(schedule) is null)
        {
            errors.Add(("schedule", "must be a 6-field NCRONTAB expression (second minute hour day month weekday), e.g. '0 0 * * * *'."));
            return null;
        }

        return schedule;
    }

    private static JsonObject? ReadConfig(JsonObject body, List<(string, string)> errors)
    {
        if (!body.TryGetPropertyValue("config", out JsonNode? node) || node is null)
        {
            return [];
        }

        if (node is JsonObject config)
        {
            return (JsonObject)config.DeepClone();
        }

        errors.Add(("config", "must be a JSON object."));
        return null;
    }

    private static DateTimeOffset? NextRun(PluginInstance i)
    {
        if (!i.Enabled || ScanSchedule.TryParse(i.Schedule) is not { } schedule)
        {
            return null;
        }

        return new DateTimeOffset(schedule.GetNextOccurrence((i.LastScheduledAt ?? i.CreatedAt).UtcDateTime), TimeSpan.Zero);
    }

    /// <summary>The instance as the API shows it: secrets masked, ownership and scan state included.</summary>
    internal static JsonObject ToJson(PluginInstance i, PluginCatalog catalog)
    {
        IPluginType? type = catalog.Find(i.PluginType);
        JsonObject config = type is not null && PluginConfiguration.Validate(type.Metadata.ConfigFields, i.Config).Configuration is { } valid
            ? valid.ToMaskedJson()
            : new JsonObject(i.Config.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)PluginConfiguration.Mask)));
        return new JsonObject
        {
            ["instance_id"] = i.Id,
            ["plugin_type"] = i.PluginType,
            ["display_name"] = i.DisplayName,
            ["config"] = config,
            ["schedule"] = i.Schedule,
            ["enabled"] = i.Enabled,
            ["traced"] = i.Traced,
            ["owner"] = i.Owner == InstanceOwner.Configuration ? "configuration" : "api",
            ["configuration_owned"] = i.Owner == InstanceOwner.Configuration,
            ["host_identity_allowed"] = i.MayUseHostIdentity,
            ["created_at"] = i.CreatedAt,
            ["updated_at"] = i.UpdatedAt,
            ["last_scan_run_id"] = i.LastRunId,
            ["last_scan_status"] = i.LastRunStatus,
            ["last_scan_at"] = i.LastRunAt,
            ["next_run"] = NextRun(i),
        };
    }
}
