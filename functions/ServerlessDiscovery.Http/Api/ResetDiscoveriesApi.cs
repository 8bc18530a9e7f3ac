using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// OpenCITE's POST /api/v1/reset-discoveries for the selected tenant. OpenCITE lets anyone wipe everything; here it
/// takes an admin key (one not bound to a tenant), and the wipe is recorded: every asset becomes deleted with its
/// Asset.Deleted event, so subscribers and the change log see what went and why.
/// </summary>
internal static class ResetDiscoveriesApi
{
    public static void MapResetDiscoveriesApi(this RouteGroupBuilder api) =>
        api.MapPost("/reset-discoveries", ResetAsync).WithTags("Assets").ProducesProblem(StatusCodes.Status403Forbidden);

    private static async Task<Results<Ok<ResetDiscoveriesReply>, ProblemHttpResult>> ResetAsync(HttpContext context, DiscoveryReset reset)
    {
        Caller caller = context.User.GetCaller();
        if (!caller.AllTenants)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Admin key required",
                detail: "Resetting discoveries deletes every asset of the tenant; it takes an admin key (one not bound to a tenant), with the tenant chosen by X-Integration-Id (or X-Tenant-Id).");
        }

        ResetOutcome outcome = await reset.ResetAsync(caller.Tenant, "an admin key", context.RequestAborted);
        return TypedResults.Ok(new ResetDiscoveriesReply(
            Success: true,
            Tenant: caller.Tenant,
            AssetsDeleted: outcome.AssetsDeleted,
            RelationshipsDeleted: outcome.RelationshipsDeleted,
            UsageCleared: outcome.UsageRowsCleared,
            ResetId: outcome.RunId));
    }
}
