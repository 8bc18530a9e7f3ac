using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Functions.Security;
using ServerlessDiscovery.Functions.Webhooks;
using ServerlessDiscovery.Plugins.Egress;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>
/// An instance's webhooks (OpenCITE-compatible): list with header values masked, subscribe (the signing secret is in
/// this reply only), and unsubscribe by URL. Target addresses pass the SSRF guard before anything is stored.
/// </summary>
internal static class WebhooksApi
{
    public const string Mask = "***";
    private const int MaxHeaders = 32;
    private const int MaxEvents = 32;
    private const int MaxUrlLength = 2048;

    public static void MapWebhooksApi(this RouteGroupBuilder api)
    {
        RouteGroupBuilder webhooks = api.MapGroup("/instances/{id}/webhooks").WithTags("Webhooks");
        webhooks.MapGet("/", ListAsync);
        webhooks.MapPost("/", SubscribeAsync);
        webhooks.MapDelete("/", UnsubscribeAsync);
    }

    private static async Task<Results<Ok<WebhookList>, ProblemHttpResult>> ListAsync(string id, HttpContext context, InstanceStore instances, WebhookStore store)
    {
        if (await FindAsync(id, context, instances) is not { } instance)
        {
            return NotFound(id);
        }

        IReadOnlyList<WebhookSubscription> all = await store.ListAsync(instance.Tenant, instance.Id, context.RequestAborted);
        WebhookReply[] items = [.. all.OrderBy(s => s.CreatedAt).ThenBy(s => s.Url, StringComparer.Ordinal).Select(ToReply)];
        return TypedResults.Ok(new WebhookList(items, items.Length));
    }

    private static async Task<Results<Created<WebhookCreatedReply>, ValidationProblem, ProblemHttpResult>> SubscribeAsync(string id, HttpContext context, InstanceStore instances, WebhookStore store, AddressPolicy policy, TimeProvider time)
    {
        if (await FindAsync(id, context, instances) is not { } instance)
        {
            return NotFound(id);
        }

        (JsonObject? body, ProblemHttpResult? problem) = await ApiRequest.ReadObjectAsync(context.Request);
        if (body is null)
        {
            return problem!;
        }

        var errors = new List<(string, string)>();
        Uri? url = await ReadUrlAsync(body, policy, errors, context.RequestAborted);
        Dictionary<string, string> headers = ReadHeaders(body, errors);
        List<string> events = ReadEvents(body, errors);
        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        DateTimeOffset now = time.GetUtcNow();
        WebhookSubscription stored = await store.UpsertAsync(
            new WebhookSubscription
            {
                Tenant = instance.Tenant,
                InstanceId = instance.Id,
                Url = WebhookSubscription.Normalise(url!),
                Headers = headers,
                Events = events,
                Secret = DeliverySignature.NewSecret(),
                CreatedAt = now,
                UpdatedAt = now,
            },
            context.RequestAborted);
        WebhookReply reply = ToReply(stored);
        return TypedResults.Created((string?)null, new WebhookCreatedReply(reply.Url, reply.Headers, reply.Events, reply.CreatedAt, stored.Secret));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> UnsubscribeAsync(string id, HttpContext context, InstanceStore instances, WebhookStore store, string? url)
    {
        if (await FindAsync(id, context, instances) is not { } instance)
        {
            return NotFound(id);
        }

        (JsonObject? body, ProblemHttpResult? problem) = await ApiRequest.ReadObjectAsync(context.Request, required: false);
        if (body is null)
        {
            return problem!;
        }

        if (ApiRequest.TryGetString(body, "url", out string? bodyUrl, out string? error) && error is not null)
        {
            return ApiRequest.Invalid([("url", error)]);
        }

        string? target = bodyUrl ?? url;
        if (string.IsNullOrWhiteSpace(target) || !Uri.TryCreate(target, UriKind.Absolute, out Uri? parsed))
        {
            return ApiRequest.Invalid([("url", "is required: the absolute URL that was subscribed, in the body {\"url\": ...} or as ?url=.")]);
        }

        bool deleted = await store.DeleteAsync(instance.Tenant, instance.Id, WebhookSubscription.UrlKey(WebhookSubscription.Normalise(parsed)), context.RequestAborted);
        return deleted ? TypedResults.NoContent() : ApiRequest.NotFound($"Instance '{id}' has no webhook for that URL.");
    }

    private static async Task<Uri?> ReadUrlAsync(JsonObject body, AddressPolicy policy, List<(string, string)> errors, CancellationToken cancellationToken)
    {
        if (!ApiRequest.TryGetString(body, "url", out string? text, out string? error) || string.IsNullOrWhiteSpace(text))
        {
            errors.Add(("url", error ?? "is required."));
            return null;
        }

        if (text.Length > MaxUrlLength || !Uri.TryCreate(text, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add(("url", $"must be an absolute http or https URL of at most {MaxUrlLength} characters."));
            return null;
        }

        if (url.UserInfo.Length > 0)
        {
            errors.Add(("url", "must not carry credentials; put them in headers."));
            return null;
        }

        string? refused = await policy.CheckUrlAsync(url, cancellationToken: cancellationToken);
        if (refused is not null)
        {
            errors.Add(("url", refused));
            return null;
        }

        return url;
    }

    private static Dictionary<string, string> ReadHeaders(JsonObject body, List<(string, string)> errors)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!body.TryGetPropertyValue("headers", out JsonNode? node) || node is null)
        {
            return headers;
        }

        if (node is not JsonObject obj)
        {
            errors.Add(("headers", "must be an object of header names to string values."));
            return headers;
        }

        if (obj.Count > MaxHeaders)
        {
            errors.Add(("headers", $"may hold at most {MaxHeaders} headers."));
            return headers;
        }

        foreach ((string name, JsonNode? value) in obj)
        {
            string field = $"headers.{name}";
            if (HeaderRules.CheckName(name) is { } badName)
            {
                errors.Add((field, badName));
            }
            else if (WebhookSender.ReservedHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add((field, "is set by the delivery itself and cannot be configured."));
            }
            else if (value is not JsonValue v || !v.TryGetValue(out string? text))
            {
                errors.Add((field, "must be a string."));
            }
            else if (HeaderRules.CheckValue(text) is { } badValue)
            {
                errors.Add((field, badValue));
            }
            else if (!headers.TryAdd(name, text))
            {
                errors.Add((field, "is given twice."));
            }
        }

        return headers;
    }

    private static List<string> ReadEvents(JsonObject body, List<(string, string)> errors)
    {
        var events = new List<string>();
        if (!body.TryGetPropertyValue("events", out JsonNode? node) || node is null)
        {
            return events;
        }

        if (node is not JsonArray array || array.Count > MaxEvents)
        {
            errors.Add(("events", $"must be a list of at most {MaxEvents} CloudEvent type patterns."));
            return events;
        }

        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue v && v.TryGetValue(out string? pattern) && IsEventPattern(pattern))
            {
                if (!events.Contains(pattern, StringComparer.Ordinal))
                {
                    events.Add(pattern);
                }
            }
            else
            {
                errors.Add(($"events[{i}]", "must be a CloudEvent type such as ServerlessDiscovery.Asset.Created, or a prefix ending in .* such as ServerlessDiscovery.Asset.*."));
            }
        }

        return events;
    }

    private static bool IsEventPattern(string pattern)
    {
        if (pattern == "*")
        {
            return true;
        }

        string body = pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
        return pattern.Length <= 128
            && (body == "ServerlessDiscovery" || body.StartsWith("ServerlessDiscovery.", StringComparison.Ordinal))
            && body.Split('.').All(part => part.Length > 0 && part.All(char.IsAsciiLetterOrDigit));
    }

    private static WebhookReply ToReply(WebhookSubscription s) =>
        new(s.Url, s.Headers.Keys.ToDictionary(k => k, _ => Mask, StringComparer.OrdinalIgnoreCase), s.Events, s.CreatedAt);

    private static Task<PluginInstance?> FindAsync(string id, HttpContext context, InstanceStore store) =>
        InstanceIds.IsValid(id) ? store.GetAsync(context.User.GetCaller().Tenant, id, context.RequestAborted) : Task.FromResult<PluginInstance?>(null);

    private static ProblemHttpResult NotFound(string id) => ApiRequest.NotFound($"No instance '{id}' in this tenant.");
}

internal sealed record WebhookList(
    [property: JsonPropertyName("webhooks")] IReadOnlyList<WebhookReply> Webhooks,
    [property: JsonPropertyName("count")] int Count);

/// <summary>A subscription as listed: header names with their values masked.</summary>
internal sealed record WebhookReply(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

/// <summary>The reply to a subscription: as listed, plus the signing secret, which no other reply carries.</summary>
internal sealed record WebhookCreatedReply(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("secret")] string Secret);
