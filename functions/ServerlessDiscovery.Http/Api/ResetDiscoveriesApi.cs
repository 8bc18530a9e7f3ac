using System.Text.Json.Nodes;
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
        api.MapPost("/reset-discoveries", ResetAsync).WithTags("Assets");

    private static async Task<IResult> ResetAsync(HttpContext context, DiscoveryReset reset)
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
        return TypedResults.Json<JsonNode>(new JsonObject
        {
            ["success"] = true,
            ["tenant"] = caller.Tenant,
            ["assets_deleted"] = outcome.AssetsDeleted,
            ["relationships_deleted"] = outcome.RelationshipsDeleted,
            ["usage_cleared"] = outcome.UsageRowsCleared,
            ["reset_id"] = outcome.RunId,
        });
    }
}
