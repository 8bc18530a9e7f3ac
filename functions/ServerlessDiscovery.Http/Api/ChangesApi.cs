using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// The change log: the caller's tenant's CloudEvents (the ones the change feed carries), oldest first, from an opaque
/// cursor, optionally about one asset (<c>?asset={type}/{id}</c>). A reply's cursor reads on from where it ended,
/// also when it returned nothing, so a client follows the log by calling again with the last cursor; <c>more</c> says
/// whether there is more to read right away.
/// </summary>
internal static class ChangesApi
{
    private const int DefaultLimit = 100;
    private const int MaxAssetChars = 4200;

    public static void MapChangesApi(this RouteGroupBuilder api) =>
        api.MapGet("/changes", ReadAsync).WithTags("Changes");

    private static async Task<Results<Ok<ChangeLogReply>, ValidationProblem>> ReadAsync(
        HttpContext context, ChangeLog changeLog, string? cursor, string? asset, int? limit)
    {
        var errors = new List<(string, string)>();
        if (limit is < 1 or > ChangeLog.MaxLimit)
        {
            errors.Add(("limit", $"must be between 1 and {ChangeLog.MaxLimit}."));
        }

        string? subject = null;
        if (asset is not null)
        {
            int slash = asset.IndexOf('/', StringComparison.Ordinal);
            string type = slash < 0 ? string.Empty : asset[..slash];
            if (asset.Length > MaxAssetChars || slash == asset.Length - 1 || type.Length is 0 or > 64 || !type.All(c => char.IsAsciiLetterLower(c) || c == '_'))
            {
                errors.Add(("asset", "must be {type}/{id}, such as model/gpt-4o."));
            }
            else
            {
                subject = "assets/" + asset;
            }
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        ChangeLogPage page;
        try
        {
            page = await changeLog.ReadAsync(context.User.GetCaller().Tenant, cursor, subject, limit ?? DefaultLimit, context.RequestAborted);
        }
        catch (ArgumentException)
        {
            return ApiRequest.Invalid([("cursor", "is not a cursor this service issued.")]);
        }

        CloudEventReply[] events = [.. page.Events.Select(e => new CloudEventReply(
            "1.0", e.Id, e.Type, e.Source, e.Subject, e.Time, "application/json", e.Data))];
        return TypedResults.Ok(new ChangeLogReply(events, events.Length, page.Cursor, page.More));
    }
}

/// <summary>A page of the change log, the cursor to read on from, and whether more can be read at once (else: call again later).</summary>
internal sealed record ChangeLogReply(
    [property: JsonPropertyName("events")] IReadOnlyList<CloudEventReply> Events,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("cursor")] string Cursor,
    [property: JsonPropertyName("more")] bool More);

/// <summary>A change event in CloudEvents 1.0 structured JSON, as the change feed carries it.</summary>
internal sealed record CloudEventReply(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] JsonObject Data);
