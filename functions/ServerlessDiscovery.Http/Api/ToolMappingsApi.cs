using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Domain.Mappings;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// OpenCITE's tool mapping (POST /api/v1/map-tool, with the list and delete OpenCITE lacks): attributes an asset
/// reports, mapped to a named source. Listings apply them as they read: a tool (or agent) whose discovery_source is the
/// mapping's plugin_name and whose metadata matches gains tool_source_name/tool_source_id (agent_...), so a mapping
/// applies at once, to assets seen before and after it, and deleting it undoes it.
/// </summary>
internal static class ToolMappingsApi
{
    private const int MaxAttributes = 32;
    private const int MaxKeyLength = 256;
    private const int MaxValueLength = 1024;
    private const int MaxNameLength = 256;

    public static void MapToolMappingsApi(this RouteGroupBuilder api)
    {
        RouteGroupBuilder mappings = api.MapGroup("/map-tool").WithTags("Mappings");
        mappings.MapPost("/", SaveAsync)
            .WithJsonBody<ToolMappingRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        mappings.MapGet("/", ListAsync);
        mappings.MapDelete("/{id}", DeleteAsync);
    }

    private static async Task<Results<Ok<ToolMappingSaved>, ValidationProblem, ProblemHttpResult>> SaveAsync(HttpContext context, IToolMappingStore store, TimeProvider time)
    {
        (JsonObject? body, ProblemHttpResult? problem) = await ApiRequest.ReadObjectAsync(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<(string, string)>();
        string? plugin = Text(body!, "plugin_name", MaxNameLength, errors);
        Dictionary<string, string>? attributes = Attributes(body!, errors);
        string? sourceName = SourceName(body!, errors);
        string matchType = ToolMapping.MatchAll;
        if (ApiRequest.TryGetString(body!, "match_type", out string? match, out string? error))
        {
            if (error is not null || match is not (ToolMapping.MatchAll or ToolMapping.MatchAny))
            {
                errors.Add(("match_type", $"must be \"{ToolMapping.MatchAll}\" or \"{ToolMapping.MatchAny}\"."));
            }
            else
            {
                matchType = match;
            }
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        var mapping = new ToolMapping(
            ToolMapping.IdFor(plugin!, attributes!, matchType), plugin!, attributes!, matchType, sourceName!, ToolMapping.SourceIdFor(plugin!, sourceName!), time.GetUtcNow());
        if (!await store.SaveAsync(context.User.GetCaller().Tenant, mapping, context.RequestAborted))
        {
            return ApiRequest.Conflict($"This tenant already holds {IToolMappingStore.MaxPerTenant} mappings, the most it may; delete one first (DELETE /api/v1/map-tool/{{id}}).");
        }

        return TypedResults.Ok(new ToolMappingSaved(true, ToolMappingReply.From(mapping)));
    }

    private static async Task<Ok<ToolMappingList>> ListAsync(HttpContext context, IToolMappingStore store)
    {
        ToolMappingSet set = await store.LoadAsync(context.User.GetCaller().Tenant, context.RequestAborted);
        return TypedResults.Ok(new ToolMappingList([.. set.All.Select(ToolMappingReply.From)], set.All.Count));
    }

    /// <summary>Removes one mapping; an id the tenant does not have answers removed: false, as OpenCITE's unsubscribe does.</summary>
    private static async Task<Results<Ok<ToolMappingDeleted>, ValidationProblem>> DeleteAsync(string id, HttpContext context, IToolMappingStore store)
    {
        if (id.Length is 0 or > 64 || !id.All(char.IsAsciiHexDigitLower))
        {
            return ApiRequest.Invalid([("id", "is not a mapping id (the id a save or the list answered).")]);
        }

        bool removed = await store.DeleteAsync(context.User.GetCaller().Tenant, id, context.RequestAborted);
        return TypedResults.Ok(new ToolMappingDeleted(true, removed));
    }

    private static string? Text(JsonObject body, string name, int max, List<(string, string)> errors)
    {
        if (!ApiRequest.TryGetString(body, name, out string? value, out string? error) || error is not null || string.IsNullOrWhiteSpace(value) || value.Length > max || value.Any(char.IsControl))
        {
            errors.Add((name, $"is required: text of 1 to {max} characters."));
            return null;
        }

        return value;
    }

    /// <summary>identity.source_name as the GUI sends it; the REST reference's identity.tool_name is taken when it is absent.</summary>
    private static string? SourceName(JsonObject body, List<(string, string)> errors)
    {
        if (body["identity"] is not JsonObject identity)
        {
            errors.Add(("identity", "is required: an object with source_name."));
            return null;
        }

        string field = identity.ContainsKey("source_name") || !identity.ContainsKey("tool_name") ? "source_name" : "tool_name";
        string? name = Text(identity, field, MaxNameLength, errors);
        return name;
    }

    /// <summary>The attributes to match: 1 to 32 names, each with a text, number or true/false value (compared as text).</summary>
    private static Dictionary<string, string>? Attributes(JsonObject body, List<(string, string)> errors)
    {
        if (body["attributes"] is not JsonObject attributes || attributes.Count is 0 or > MaxAttributes)
        {
            errors.Add(("attributes", $"is required: an object of 1 to {MaxAttributes} attribute names and values."));
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, JsonNode? value) in attributes)
        {
            string? text = OpenCite.OpenCiteItems.Text(value);
            if (key.Length is 0 or > MaxKeyLength || text is null || text.Length > MaxValueLength)
            {
                errors.Add(($"attributes.{(key.Length > 64 ? key[..64] + "…" : key)}", $"must be named (1 to {MaxKeyLength} characters) and have a text, number or true/false value of at most {MaxValueLength} characters."));
                continue;
            }

            result[key] = text;
        }

        return result;
    }
}
