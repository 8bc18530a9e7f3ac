using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Engine.Findings;
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

    private static async Task<IResult> ListAsync(HttpContext context, IFindingStore store, string? kind, string? state)
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
        var items = new JsonArray([.. found.Select(f => (JsonNode?)FindingDocument.ToJson(f))]);
        return TypedResults.Json<JsonNode>(new JsonObject { ["findings"] = items, ["count"] = items.Count });
    }
}
