using ServerlessDiscovery.Domain.Bom;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Bom;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// GET /api/v1/bom: the caller's tenant as a CycloneDX AI-BOM (application/vnd.cyclonedx+json), whole, for one
/// instance (<c>?instance=</c>) or for one agent and its transitive dependencies (<c>?agent=</c>), in CycloneDX 1.7
/// (default) or 1.6 (<c>?specVersion=</c>).
/// </summary>
internal static class BomApi
{
    public const string MediaType = "application/vnd.cyclonedx+json";

    /// <summary>Asset ids are bounded by what a row key can hold; anything longer names no asset.</summary>
    private const int MaxAgentIdLength = 2048;

    public static void MapBomApi(this RouteGroupBuilder api) =>
        api.MapGet("/bom", GetAsync)
            .WithTags("BOM")
            .WithSummary("The tenant's AI estate as a CycloneDX bill of materials")
            .Produces<CycloneDxBom>(StatusCodes.Status200OK, MediaType)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> GetAsync(
        HttpContext context, IInventoryStore inventory, IBomVersionStore versions, IInstanceStore instances, TimeProvider time, string? agent, string? instance, string? specVersion)
    {
        var errors = new List<(string Field, string Message)>();
        if (!BomSpecVersion.TryParse(specVersion, out BomSpecVersion spec))
        {
            errors.Add(("specVersion", $"must be one of {string.Join(", ", BomSpecVersion.Supported.Select(v => v.Version))}."));
        }

        if (agent is not null && instance is not null)
        {
            errors.Add(("agent", "give agent or instance, not both."));
        }

        if (agent is not null && (agent.Length is 0 or > MaxAgentIdLength))
        {
            errors.Add(("agent", $"must be an agent's asset id (1 to {MaxAgentIdLength} characters)."));
        }

        if (instance is not null && !InstanceIds.IsValid(instance))
        {
            errors.Add(("instance", "is not a valid instance id."));
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        string tenant = context.User.GetCaller().Tenant;
        BomScope scope = agent is not null ? BomScope.ForAgent(tenant, agent)
            : instance is not null ? BomScope.ForInstance(tenant, instance)
            : BomScope.ForTenant(tenant);
        BomExport? export = await new BomExporter(inventory, versions, time).PrepareAsync(scope, spec, context.RequestAborted);
        if (export is null)
        {
            return ApiRequest.NotFound($"No agent '{agent}' in this tenant.");
        }

        // An instance with no assets is still an answer when the instance exists (an empty BOM); otherwise it is unknown.
        if (instance is not null && export.Elements == 0 && await instances.GetAsync(tenant, instance, context.RequestAborted) is null)
        {
            return ApiRequest.NotFound($"No instance '{instance}' in this tenant.");
        }

        return new BomResult(export, spec);
    }

    /// <summary>Streams the BOM with its media type and version parameter.</summary>
    private sealed class BomResult(BomExport export, BomSpecVersion spec) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = spec.MediaType;
            return export.WriteAsync(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}
