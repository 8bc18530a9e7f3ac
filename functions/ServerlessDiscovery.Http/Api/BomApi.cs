using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
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
/// (default) or 1.6 (<c>?specVersion=</c>). The reply is the CycloneDX document itself, written by the BOM exporter
/// as it streams; the OpenAPI document names its media type, the CycloneDX versions and their JSON schemas instead of
/// modelling the standard member by member.
/// </summary>
internal static class BomApi
{
    /// <summary>CycloneDX's JSON media type; each reply adds its <c>version</c> parameter.</summary>
    public const string MediaType = "application/vnd.cyclonedx+json";

    /// <summary>Asset ids are bounded by what a row key can hold; anything longer names no asset.</summary>
    private const int MaxAgentIdLength = 2048;

    public static void MapBomApi(this RouteGroupBuilder api) =>
        api.MapGet("/bom", GetAsync)
            .WithTags("BOM")
            .WithSummary("The tenant's AI estate as a CycloneDX bill of materials")
            .Produces(StatusCodes.Status200OK, contentType: MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Responses![StatusCodes.Status200OK.ToString(System.Globalization.CultureInfo.InvariantCulture)] = DescribeBom();
                return Task.CompletedTask;
            });

    /// <summary>
    /// The 200 reply as what it is: a CycloneDX JSON BOM of the version asked for, its media type's <c>version</c>
    /// parameter saying which, valid against that version's JSON schema (named and linked, not copied).
    /// </summary>
    private static OpenApiResponse DescribeBom()
    {
        string versions = string.Join(" or ", BomSpecVersion.Supported.Select(v => v.Version).OrderDescending(StringComparer.Ordinal));
        string schemas = string.Join(", ", BomSpecVersion.Supported.Select(v => v.SchemaUri).OrderDescending(StringComparer.Ordinal));
        return new OpenApiResponse
        {
            Description = $"The CycloneDX BOM: specVersion {BomSpecVersion.Default.Version} by default, or the ?specVersion= asked for ({versions}); the Content-Type's version parameter says which (for example {BomSpecVersion.Default.MediaType}).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [MediaType] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Description = $"A CycloneDX {versions} JSON BOM as the standard defines it, valid against its JSON schema ({schemas}); not modelled here member by member.",
                        ExternalDocs = new OpenApiExternalDocs { Description = $"CycloneDX {BomSpecVersion.Default.Version} JSON reference", Url = new Uri($"https://cyclonedx.org/docs/{BomSpecVersion.Default.Version}/json/") },
                    },
                },
            },
        };
    }

    private static async Task<Results<BomResult, ValidationProblem, ProblemHttpResult>> GetAsync(
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
    internal sealed class BomResult(BomExport export, BomSpecVersion spec) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = spec.MediaType;
            return export.WriteAsync(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}
