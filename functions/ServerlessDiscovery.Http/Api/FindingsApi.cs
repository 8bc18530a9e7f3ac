using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// Findings: <c>shadow</c> (AI observed in traces that no scan declared) and <c>unused</c> (declared AI of a traced
/// instance with no observed use), open or resolved, each with its evidence. They open and resolve on discovery ticks.
/// </summary>
internal static class FindingsApi
{
    public static void MapFindingsApi(this RouteGroupBuilder api) =>
        api.MapGet("/findings", ListAsync).WithTags("Findings")
            .WithSummary("Shadow and unused findings of the caller's tenant, newest first")
            .WithDescription("kind: shadow | unused; state: open | resolved. Each finding names its subject asset, a reason and its evidence (services, agents, hosts, first/last seen, counts).");

    private static async Task<Results<Ok<FindingList>, ValidationProblem>> ListAsync(HttpContext context, IFindingStore store, string? kind, string? state)
    {
        var errors = new List<(string, string)>();
        if (kind is not null && !FindingKinds.All.Contains(kind))
        {
            errors.Add(("kind", $"must be one of: {string.Join(", ", FindingKinds.All)}."));
        }

        if (state is not null && !FindingKinds.States.Contains(state))
        {
            errors.Add(("state", $"must be one of: {string.Join(", ", FindingKinds.States)}."));
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        IReadOnlyList<TrackedFinding> found = await store.ListAsync(context.User.GetCaller().Tenant, kind, state, context.RequestAborted);
        FindingReply[] items = [.. found.Select(FindingReply.From)];
        return TypedResults.Ok(new FindingList(items, items.Length));
    }
}

/// <summary>GET /findings: the tenant's findings, the most recently updated first.</summary>
internal sealed record FindingList(
    [property: JsonPropertyName("findings")] IReadOnlyList<FindingReply> Findings,
    [property: JsonPropertyName("count")] int Count);

/// <summary>
/// A finding as the API and its change events show it (the events' <c>finding</c> is the same document): its id, kind,
/// state, subject, reason and evidence, and when it opened, last changed and resolved (null while it is open).
/// </summary>
internal sealed record FindingReply(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("subject")] FindingSubjectReply Subject,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("evidence")] JsonObject Evidence,
    [property: JsonPropertyName("opened_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? OpenedAt,
    [property: JsonPropertyName("updated_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? UpdatedAt,
    [property: JsonPropertyName("resolved_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ResolvedAt)
{
    public static FindingReply From(TrackedFinding tracked) => new(
        tracked.Key,
        tracked.Finding.Kind,
        tracked.State,
        new FindingSubjectReply(tracked.Finding.SubjectType, tracked.Finding.SubjectId, tracked.Finding.Instance),
        tracked.Finding.Reason,
        tracked.Finding.Evidence,
        tracked.OpenedAt,
        tracked.UpdatedAt,
        tracked.ResolvedAt);
}

/// <summary>The asset a finding is about, and the instance it was found on.</summary>
internal sealed record FindingSubjectReply(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("instance")] string Instance);
