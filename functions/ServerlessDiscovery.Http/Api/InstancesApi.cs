using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Http.Security;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Egress;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// Plugin instances: CRUD, verify, refresh, start/stop, scan history, and discovery status, in OpenCITE's reply shapes
/// (<c>{instance}</c>, <c>{success, instance}</c>, <c>{success, message}</c>, <c>{success, verification}</c>) with our
/// fields inside; OpenCITE's plugin type ids and config names are accepted (<see cref="PluginAliases"/>), and its
/// legacy bulk routes <c>/plugins/configure</c> and <c>/stop</c> act on the caller's tenant.
/// </summary>
internal static partial class InstancesApi
{
    private const int MaxConfigureEntries = 50;

    public static void MapInstancesApi(this RouteGroupBuilder api)
    {
        RouteGroupBuilder instances = api.MapGroup("/instances").WithTags("Instances");
        instances.MapGet("/", ListAsync);
        instances.MapPost("/", CreateAsync).WithJsonBody<InstanceCreateRequest>();
        instances.MapGet("/{id}", GetAsync);
        instances.MapPut("/{id}", UpdateAsync).WithJsonBody<InstanceUpdateRequest>();
        instances.MapDelete("/{id}", DeleteAsync);
        instances.MapPost("/{id}/verify", VerifyAsync);
        instances.MapPost("/{id}/refresh", RefreshAsync).WithJsonBody<RefreshRequest>(required: false);
        instances.MapPost("/{id}/start", (string id, HttpContext context, IInstanceStore store, PluginCatalog catalog, IWebhookStore webhooks, TimeProvider time) => SetEnabledAsync(id, true, context, store, catalog, webhooks, time));
        instances.MapPost("/{id}/stop", (string id, HttpContext context, IInstanceStore store, PluginCatalog catalog, IWebhookStore webhooks, TimeProvider time) => SetEnabledAsync(id, false, context, store, catalog, webhooks, time));
        instances.MapScansApi();
        api.MapGet("/status", StatusAsync).WithTags("Instances");
        api.MapPost("/plugins/configure", ConfigureAsync).WithJsonBody<ConfigureRequest>().WithTags("Plugins");
        api.MapPost("/stop", StopAllAsync).WithTags("Instances");
    }

    private static async Task<Ok<InstanceList>> ListAsync(HttpContext context, IInstanceStore store, PluginCatalog catalog, IWebhookStore webhooks, string? plugin_type)
    {
        IReadOnlyList<PluginInstance> all = await store.ListAsync(context.User.GetCaller().Tenant, context.RequestAborted);
        string? typeId = plugin_type is null ? null : PluginAliases.FindType(catalog, plugin_type)?.Metadata.TypeId ?? plugin_type;
        PluginInstance[] selected = [.. all.Where(i => typeId is null || i.PluginType == typeId).OrderBy(i => i.Id, StringComparer.Ordinal)];
        InstanceReply[] items = await Task.WhenAll(selected.Select(i => ToReplyAsync(i, catalog, webhooks, context.RequestAborted)));
        return TypedResults.Ok(new InstanceList(items, items.Length));
    }

    private static async Task<Results<Ok<InstanceFound>, ProblemHttpResult>> GetAsync(string id, HttpContext context, IInstanceStore store, PluginCatalog catalog, IWebhookStore webhooks)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(new InstanceFound(await ToReplyAsync(instance, catalog, webhooks, context.RequestAborted)));
    }

    private static async Task<Results<Created<InstanceSaved>, ValidationProblem, ProblemHttpResult>> CreateAsync(HttpContext context, IInstanceStore store, PluginCatalog catalog, IWebhookStore webhooks, AddressPolicy policy, TimeProvider time)
    {
        (JsonObject? body, ProblemHttpResult? problem) = await ApiRequest.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return problem!;
        }

        (PluginInstance? instance, List<(string, string)> errors) = await ReadNewInstanceAsync(body, context, catalog, policy, time.GetUtcNow());
        if (instance is null)
        {
            return ApiRequest.Invalid(errors);
        }

        if (!await store.AddAsync(instance, context.RequestAborted))
        {
            return ApiRequest.Conflict($"Instance '{instance.Id}' already exists.");
        }

        PluginInstance stored = (await store.GetAsync(instance.Tenant, instance.Id, context.RequestAborted))!;
        return TypedResults.Created($"/api/v1/instances/{instance.Id}", new InstanceSaved(true, await ToReplyAsync(stored, catalog, webhooks, context.RequestAborted)));
    }

    /// <summary>
    /// An instance from a create body, ours or OpenCITE's: <c>plugin_type</c> (or its OpenCITE alias), <c>instance_id</c>,
    /// <c>display_name</c>, <c>config</c> (aliases applied), <c>schedule</c>, <c>enabled</c> or OpenCITE's
    /// <c>auto_start</c>, <c>traced</c>. Null with every problem when the body is not acceptable.
    /// </summary>
    private static async Task<(PluginInstance? Instance, List<(string, string)> Errors)> ReadNewInstanceAsync(
        JsonObject body, HttpContext context, PluginCatalog catalog, AddressPolicy policy, DateTimeOffset now)
    {
        var errors = new List<(string, string)>();
        Check(ApiRequest.TryGetString(body, "plugin_type", out string? typeId, out string? e1), e1, "plugin_type", errors);
        IPluginType? type = typeId is null ? null : PluginAliases.FindType(catalog, typeId);
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
            errors.Add(("instance_id", "must be 1-63 letters, digits, '-' or '_', starting with a letter or digit."));
        }

        string? displayName = ReadDisplayName(body, errors);
        string schedule = ReadSchedule(body, errors) ?? PluginInstance.DefaultSchedule;
        bool? enabled = ReadEnabled(body, errors);
        Check(ApiRequest.TryGetBool(body, "traced", out bool? traced, out string? e5), e5, "traced", errors);
        JsonObject? rawConfig = ReadConfig(body, errors);
        JsonObject? config = null;
        if (type is not null && rawConfig is not null)
        {
            config = await ValidateConfigAsync(type, PluginAliases.Apply(type.Metadata, rawConfig, errors), policy, errors, context.RequestAborted);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new PluginInstance
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
        }, errors);
    }

    /// <summary>
    /// As OpenCITE's PUT: fields not given keep their values, and <c>config</c> is merged into the stored configuration
    /// (a field set to null is removed; a masked secret sent back unchanged keeps the stored one), then validated whole.
    /// </summary>
    private static async Task<Results<Ok<InstanceSaved>, ValidationProblem, ProblemHttpResult>> UpdateAsync(string id, HttpContext context, IInstanceStore store, PluginCatalog catalog, IWebhookStore webhooks, AddressPolicy policy, TimeProvider time)
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

        (JsonObject? body, ProblemHttpResult? problem) = await ApiRequest.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return problem!;
        }

        var errors = new List<(string, string)>();
        IPluginType? type = catalog.Find(instance.PluginType);
        if (body["plugin_type"] is { } givenType && (givenType.GetValueKind() != System.Text.Json.JsonValueKind.String || PluginAliases.FindType(catalog, givenType.GetValue<string>())?.Metadata.TypeId != instance.PluginType))
        {
            errors.Add(("plugin_type", "cannot be changed; create a new instance instead."));
        }

        string? displayName = ReadDisplayName(body, errors);
        string? schedule = ReadSchedule(body, errors);
        bool? enabled = ReadEnabled(body, errors);
        Check(ApiRequest.TryGetBool(body, "traced", out bool? traced, out string? e3), e3, "traced", errors);
        JsonObject? config = instance.Config;
        JsonObject? rawConfig = body.ContainsKey("config") ? ReadConfig(body, errors) : null;
        if (rawConfig is not null && type is not null)
        {
            config = await ValidateConfigAsync(type, Merge(type, instance.Config, PluginAliases.Apply(type.Metadata, rawConfig, errors)), policy, errors, context.RequestAborted);
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
            return TypedResults.Ok(new InstanceSaved(true, await ToReplyAsync(updated, catalog, webhooks, context.RequestAborted)));
        }
        catch (WriteConflictException)
        {
            return ApiRequest.Conflict($"Instance '{id}' changed while it was being updated (a scan started or finished); read it again and retry.");
        }
    }

    /// <summary>The stored configuration with the given fields laid over it: null removes a field, a secret's mask keeps it.</summary>
    private static JsonObject Merge(IPluginType type, JsonObject stored, JsonObject given)
    {
        var merged = (JsonObject)stored.DeepClone();
        foreach ((string name, JsonNode? value) in given)
        {
            bool maskedSecret = value is JsonValue v && v.TryGetValue(out string? s) && s == PluginConfiguration.Mask
                && type.Metadata.ConfigFields.Any(f => f.Secret && f.Name == name);
            if (value is null)
            {
                merged.Remove(name);
            }
            else if (!maskedSecret)
            {
                merged[name] = value.DeepClone();
            }
        }

        return merged;
    }

    private static async Task<JsonObject?> ValidateConfigAsync(IPluginType type, JsonObject raw, AddressPolicy policy, List<(string, string)> errors, CancellationToken cancellationToken)
    {
        (PluginConfiguration? validated, IReadOnlyList<ConfigError> configErrors) = PluginConfiguration.Validate(type, raw);
        errors.AddRange(configErrors.Select(c => ($"config.{c.Field}", c.Message)));
        await CheckUrlsAsync(type, validated, policy, errors, cancellationToken);
        return validated?.ToJson();
    }

    private static async Task<Results<Ok<InstanceDeleted>, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, IInstanceStore store, IWebhookStore webhooks)
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
        await webhooks.DeleteAllAsync(instance.Tenant, instance.Id, context.RequestAborted);
        return TypedResults.Ok(new InstanceDeleted(true, $"Instance '{instance.Id}' deleted", instance.Id));
    }

    /// <summary>OpenCITE's <c>{success, verification}</c>; <c>verification</c> holds the check's own <c>success</c> and <c>error</c>.</summary>
    private static async Task<Results<Ok<VerificationReply>, ProblemHttpResult>> VerifyAsync(string id, HttpContext context, IInstanceStore store, ScanRunner runner)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NotFound(id);
        }

        VerifyResult result = await runner.VerifyAsync(instance, context.RequestAborted);
        var verification = new Verification(result.Success, instance.Id, instance.PluginType, result.Error);
        return TypedResults.Ok(new VerificationReply(result.Success, verification, result.Error));
    }

    private static async Task<Results<Accepted<RefreshReply>, ValidationProblem, ProblemHttpResult>> RefreshAsync(string id, HttpContext context, IInstanceStore store, DiscoveryScheduler scheduler, TimeProvider time, bool? force)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NotFound(id);
        }

        bool forced = force ?? false;
        (JsonObject? body, ProblemHttpResult? problem) = await ApiRequest.ReadObjectAsync(context.Request, required: false);
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

        // OpenCITE refreshes before it answers; a scan here runs after the reply (202), followed by the scans route.
        return TypedResults.Accepted((string?)null, new RefreshReply(true, $"Instance '{instance.Id}' refresh started as scan run {claim.RunId}", "scan", claim.RunId, ScanStatus.Running, forced));
    }

    private static async Task<Results<Ok<InstanceEnabledReply>, ProblemHttpResult>> SetEnabledAsync(string id, bool enabled, HttpContext context, IInstanceStore store, PluginCatalog catalog, IWebhookStore webhooks, TimeProvider time)
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
                bool unchanged = instance.Enabled == enabled;
                PluginInstance updated = unchanged ? instance : await store.ReplaceAsync(instance with { Enabled = enabled, UpdatedAt = time.GetUtcNow() }, context.RequestAborted);
                return TypedResults.Ok(new InstanceEnabledReply(
                    true,
                    $"Instance '{instance.Id}' {(enabled ? unchanged ? "already running" : "started" : "stopped")}",
                    await ToReplyAsync(updated, catalog, webhooks, context.RequestAborted),
                    enabled ? unchanged : null));
            }
            catch (WriteConflictException)
            {
                // A scan claimed or released it meanwhile: read again and reapply.
            }
        }

        return ApiRequest.Conflict($"Instance '{id}' kept changing; retry.");
    }

    private static async Task<Ok<DiscoveryStatusReply>> StatusAsync(HttpContext context, IInstanceStore store, TimeProvider time)
    {
        IReadOnlyList<PluginInstance> all = await store.ListAsync(context.User.GetCaller().Tenant, context.RequestAborted);
        DateTimeOffset now = time.GetUtcNow();
        InstanceStatusReply[] items = [.. all.OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => new InstanceStatusReply(
            InstanceId: i.Id,
            PluginType: i.PluginType,
            Enabled: i.Enabled,
            Running: i.LeaseOwner is not null && i.LeaseUntil > now,
            LastScanRunId: i.LastRunId,
            LastScanStatus: i.LastRunStatus,
            LastScanAt: i.LastRunAt,
            NextRun: NextRun(i)))];
        return TypedResults.Ok(DiscoveryStatusApi.Status(context.User.GetCaller().Tenant, all, items, now));
    }

    /// <summary>
    /// OpenCITE's legacy bulk configuration: <c>{plugins: [{name, config}]}</c>. Each entry is an instance whose id is
    /// the name (as OpenCITE keys it); one that exists is started as it is (OpenCITE reuses it too), one that does not is
    /// created, enabled, from the config; <c>plugins_enabled</c> names them as given. Every entry is checked before
    /// anything is written, so a bad one changes nothing.
    /// </summary>
    private static async Task<Results<Ok<ConfigureReply>, ValidationProblem, ProblemHttpResult>> ConfigureAsync(HttpContext context, IInstanceStore store, PluginCatalog catalog, IWebhookStore webhooks, AddressPolicy policy, TimeProvider time)
    {
        (JsonObject? body, ProblemHttpResult? problem) = await ApiRequest.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return problem!;
        }

        if (body["plugins"] is not JsonArray { Count: > 0 and <= MaxConfigureEntries } plugins)
        {
            return ApiRequest.Invalid([("plugins", $"must be a list of 1-{MaxConfigureEntries} objects {{\"name\": plugin type, \"config\": {{...}}}}.")]);
        }

        string tenant = context.User.GetCaller().Tenant;
        DateTimeOffset now = time.GetUtcNow();
        var errors = new List<(string, string)>();
        var planned = new List<(string Name, PluginInstance? Existing, PluginInstance? New)>();
        for (int i = 0; i < plugins.Count; i++)
        {
            if (plugins[i] is not JsonObject entry || !ApiRequest.TryGetString(entry, "name", out string? name, out _) || name is null || !InstanceIds.IsValid(name))
            {
                errors.Add(($"plugins[{i}].name", "is required: a plugin type id (1-63 letters, digits, '-' or '_'), which also names the instance."));
                continue;
            }

            if (planned.Any(p => p.Name == name))
            {
                errors.Add(($"plugins[{i}].name", $"'{name}' is given twice."));
                continue;
            }

            if (await store.GetAsync(tenant, name, context.RequestAborted) is { } existing)
            {
                planned.Add((name, existing, null));
                continue;
            }

            var create = new JsonObject { ["plugin_type"] = name, ["instance_id"] = name, ["config"] = entry["config"]?.DeepClone(), ["enabled"] = true };
            (PluginInstance? instance, List<(string Field, string Message)> entryErrors) = await ReadNewInstanceAsync(create, context, catalog, policy, now);
            errors.AddRange(entryErrors.Select(e => ($"plugins[{i}].{e.Field}", e.Message)));
            planned.Add((name, null, instance));
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        var enabled = new List<string>();
        var skipped = new List<string>();
        var instances = new List<InstanceReply>();
        foreach ((string name, PluginInstance? existing, PluginInstance? created) in planned)
        {
            PluginInstance? result = existing;
            if (existing is null)
            {
                result = await store.AddAsync(created!, context.RequestAborted) ? await store.GetAsync(tenant, name, context.RequestAborted) : null;
            }
            else if (!existing.Enabled && existing.Owner == InstanceOwner.Api)
            {
                result = await TryEnableAsync(existing, store, now, context.RequestAborted);
            }

            if (result is null)
            {
                return ApiRequest.Conflict($"Instance '{name}' changed while it was being configured; retry.");
            }

            // An instance declared in app settings is started or stopped there, not here.
            (result.Enabled ? enabled : skipped).Add(name);
            instances.Add(await ToReplyAsync(result, catalog, webhooks, context.RequestAborted));
        }

        return TypedResults.Ok(new ConfigureReply(true, enabled, skipped, instances));
    }

    /// <summary>
    /// OpenCITE's POST /stop, which stops every plugin: here every instance of the caller's tenant that the API owns is
    /// disabled (no new scans; a running one finishes). Instances declared in app settings are left as they are, and listed.
    /// </summary>
    private static async Task<Results<Ok<StopAllReply>, ProblemHttpResult>> StopAllAsync(HttpContext context, IInstanceStore store, TimeProvider time)
    {
        IReadOnlyList<PluginInstance> all = await store.ListAsync(context.User.GetCaller().Tenant, context.RequestAborted);
        var stopped = new List<string>();
        var skipped = new List<string>();
        foreach (PluginInstance instance in all.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            if (instance.Owner == InstanceOwner.Configuration)
            {
                skipped.Add(instance.Id);
                continue;
            }

            if (instance.Enabled && !await TryDisableAsync(instance, store, time, context.RequestAborted))
            {
                return ApiRequest.Conflict($"Instance '{instance.Id}' kept changing; retry.");
            }

            stopped.Add(instance.Id);
        }

        return TypedResults.Ok(new StopAllReply(true, stopped, skipped));
    }

    private static async Task<PluginInstance?> TryEnableAsync(PluginInstance instance, IInstanceStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReplaceAsync(instance with { Enabled = true, UpdatedAt = now }, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return null;
        }
    }

    private static async Task<bool> TryDisableAsync(PluginInstance instance, IInstanceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        PluginInstance? current = instance;
        for (int attempt = 0; attempt < 5 && current is not null; attempt++)
        {
            if (!current.Enabled)
            {
                return true;
            }

            try
            {
                await store.ReplaceAsync(current with { Enabled = false, UpdatedAt = time.GetUtcNow() }, cancellationToken);
                return true;
            }
            catch (WriteConflictException)
            {
                current = await store.GetAsync(instance.Tenant, instance.Id, cancellationToken);
            }
        }

        return current is null;
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

    private static Task<PluginInstance?> FindAsync(string id, HttpContext context, IInstanceStore store) =>
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

    private static string? ReadDisplayName(JsonObject body, List<(string, string)> errors)
    {
        Check(ApiRequest.TryGetString(body, "display_name", out string? displayName, out string? error), error, "display_name", errors);
        if (displayName is { Length: > 256 })
        {
            errors.Add(("display_name", "is longer than 256 characters."));
        }

        return displayName;
    }

    /// <summary>Ours <c>enabled</c> or OpenCITE's <c>auto_start</c> (the same thing: the instance scans on its schedule); both must agree.</summary>
    private static bool? ReadEnabled(JsonObject body, List<(string, string)> errors)
    {
        Check(ApiRequest.TryGetBool(body, "enabled", out bool? enabled, out string? e1), e1, "enabled", errors);
        Check(ApiRequest.TryGetBool(body, "auto_start", out bool? autoStart, out string? e2), e2, "auto_start", errors);
        if (enabled is not null && autoStart is not null && enabled != autoStart)
        {
            errors.Add(("auto_start", "contradicts enabled; send one of them."));
        }

        return enabled ?? autoStart;
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

    /// <summary>The instance as the API shows it (<see cref="InstanceReply"/>).</summary>
    private static async Task<InstanceReply> ToReplyAsync(PluginInstance i, PluginCatalog catalog, IWebhookStore webhooks, CancellationToken cancellationToken)
    {
        IPluginType? type = catalog.Find(i.PluginType);
        JsonObject config = type is not null && PluginConfiguration.Validate(type.Metadata.ConfigFields, i.Config).Configuration is { } valid
            ? valid.ToMaskedJson()
            : new JsonObject(i.Config.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)PluginConfiguration.Mask)));
        IReadOnlyList<string> urls = await webhooks.ListUrlsAsync(i.Tenant, i.Id, cancellationToken);
        return new InstanceReply(
            InstanceId: i.Id,
            PluginType: i.PluginType,
            DisplayName: i.DisplayName ?? type?.Metadata.Name ?? i.PluginType,
            Status: i.Enabled ? "running" : "stopped",
            SupportsMultipleInstances: true,
            SupportedAssetTypes: type?.Metadata.AssetTypes ?? [],
            Config: config,
            Webhooks: urls,
            Schedule: i.Schedule,
            Enabled: i.Enabled,
            AutoStart: i.Enabled,
            Traced: i.Traced,
            Owner: i.Owner == InstanceOwner.Configuration ? "configuration" : "api",
            ConfigurationOwned: i.Owner == InstanceOwner.Configuration,
            HostIdentityAllowed: i.MayUseHostIdentity,
            CreatedAt: i.CreatedAt,
            UpdatedAt: i.UpdatedAt,
            LastScanRunId: i.LastRunId,
            LastScanStatus: i.LastRunStatus,
            LastScanAt: i.LastRunAt,
            NextRun: NextRun(i));
    }
}
