using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// An instance's scan runs, newest first, and one run by id: status, counts, scopes, warnings, errors, and progress
/// (scopes done of the total, assets so far) that a running scan keeps current, so a client polls one run until
/// its status is no longer <c>running</c>.
/// </summary>
internal static class ScansApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 1000;

    public static void MapScansApi(this RouteGroupBuilder instances)
    {
        instances.MapGet("/{id}/scans", ListAsync)
            .WithSummary("Scan run history of an instance, newest first")
            .WithDescription("status: running | succeeded | partial | failed | refused | abandoned. A running scan's progress moves as it goes.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        instances.MapGet("/{id}/scans/{scanRunId}", GetAsync)
            .WithSummary("One scan run, with its progress while it runs")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<ScanRunList>, ProblemHttpResult, ValidationProblem>> ListAsync(
        string id, HttpContext context, IInstanceStore store, IScanStore scans, int? limit)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NoInstance(id);
        }

        if (limit is < 1 or > MaxLimit)
        {
            return ApiRequest.Invalid([("limit", $"must be between 1 and {MaxLimit}.")]);
        }

        IReadOnlyList<ScanRun> runs = await scans.ListAsync(instance.Tenant, instance.Id, limit ?? DefaultLimit, context.RequestAborted);
        ScanRunReport[] items = [.. runs.Select(r => r.ToReport())];
        return TypedResults.Ok(new ScanRunList(instance.Id, items, items.Length));
    }

    private static async Task<Results<Ok<ScanRunReport>, ProblemHttpResult>> GetAsync(
        string id, string scanRunId, HttpContext context, IInstanceStore store, IScanStore scans)
    {
        PluginInstance? instance = await FindAsync(id, context, store);
        if (instance is null)
        {
            return NoInstance(id);
        }

        ScanRun? run = IsRunId(scanRunId) ? await scans.GetAsync(instance.Tenant, instance.Id, scanRunId, context.RequestAborted) ?? Claimed(instance, scanRunId) : null;
        return run is null
            ? ApiRequest.NotFound($"No scan run '{Shorten(scanRunId)}' of instance '{id}'.")
            : TypedResults.Ok(run.ToReport());
    }

    /// <summary>
    /// A run claimed a moment ago whose host has not written its row yet (refresh answers 202 before the scan starts):
    /// running, with nothing done, so a client that polls at once sees it start instead of a 404.
    /// </summary>
    private static ScanRun? Claimed(PluginInstance instance, string runId) =>
        instance.LastRunId == runId && instance.LastRunStatus == ScanStatus.Running && instance.LastRunAt is { } at
            ? new ScanRun
            {
                Tenant = instance.Tenant,
                InstanceId = instance.Id,
                RunId = runId,
                Status = ScanStatus.Running,
                Trigger = instance.LastScheduledAt == at ? "schedule" : "refresh",
                StartedAt = at,
            }
            : null;

    private static Task<PluginInstance?> FindAsync(string id, HttpContext context, IInstanceStore store) =>
        InstanceIds.IsValid(id) ? store.GetAsync(context.User.GetCaller().Tenant, id, context.RequestAborted) : Task.FromResult<PluginInstance?>(null);

    private static ProblemHttpResult NoInstance(string id) => ApiRequest.NotFound($"No instance '{Shorten(id)}' in this tenant.");

    /// <summary>Run ids are yyyyMMddTHHmmssfffZ-xxxxxxxx; anything else cannot name a run (and never reaches a query).</summary>
    private static bool IsRunId(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}

/// <summary>An instance's scan runs, newest first.</summary>
internal sealed record ScanRunList(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("scans")] IReadOnlyList<ScanRunReport> Scans,
    [property: JsonPropertyName("count")] int Count);
