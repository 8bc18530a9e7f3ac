using ServerlessDiscovery.Engine.Webhooks;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Http.Security;
using ServerlessDiscovery.Plugins.Egress;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// An instance's webhooks, in OpenCITE's shapes (<c>webhooks</c> is the list of URLs its clients read) with our
/// subscriptions inside (header values masked): list, subscribe (idempotent; a new signing secret is in that reply
/// only), and unsubscribe by URL (<c>removed: false</c> when it was not subscribed). Target addresses pass the SSRF
/// guard before anything is stored.
/// </summary>
internal static class WebhooksApi
{
    public const string Mask = "***";
    private const int MaxHeaders = 32;
    private const int MaxEvents = 32;
    private const int MaxUrlLength = 2048;
    private const int MinSecretLength = 16;
    private const int MaxSecretLength = 256;

    public static void MapWebhooksApi(this RouteGroupBuilder api)
    {
        RouteGroupBuilder webhooks = api.MapGroup("/instances/{id}/webhooks").WithTags("Webhooks");
        webhooks.MapGet("/", ListAsync).ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost("/", SubscribeAsync).WithJsonBody<WebhookSubscribeRequest>().ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapDelete("/", UnsubscribeAsync).WithJsonBody<WebhookUnsubscribeRequest>(required: false).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<WebhookList>, ProblemHttpResult>> ListAsync(string id, HttpContext context, IInstanceStore instances, IWebhookStore store)
    {
        if (await FindAsync(id, context, instances) is not { } instance)
        {
            return NotFound(id);
        }

        WebhookReply[] items = await ListRepliesAsync(store, instance, context.RequestAborted);
        return TypedResults.Ok(new WebhookList(Urls(items), items, items.Length));
    }

    /// <summary>
    /// Idempotent, as OpenCITE's: subscribing a URL again keeps its secret, headers, events and signature choice unless
    /// the body gives new ones (OpenCITE too keeps the headers when none are given). The secret is in the reply only
    /// when it is new: on the first subscription, on <c>rotate_secret</c>, or when the body sets it.
    /// </summary>
    private static async Task<Results<Ok<WebhookSubscribedReply>, ValidationProblem, ProblemHttpResult>> SubscribeAsync(string id, HttpContext context, IInstanceStore instances, IWebhookStore store, AddressPolicy policy, TimeProvider time)
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
        Dictionary<string, string>? headers = ReadHeaders(body, errors);
        List<string>? events = ReadEvents(body, errors);
        string? secret = ReadSecret(body, errors);
        bool? rotate = ReadBool(body, "rotate_secret", errors);
        bool? openCite = ReadBool(body, "opencite_signature", errors);
        if (secret is not null && rotate == true)
        {
            errors.Add(("rotate_secret", "cannot be combined with secret; send one of them."));
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        string normalised = WebhookSubscription.Normalise(url!);
        WebhookSubscription? existing = await store.GetAsync(instance.Tenant, instance.Id, WebhookSubscription.UrlKey(normalised), context.RequestAborted);
        string? newSecret = secret ?? (existing is null || rotate == true ? DeliverySignature.NewSecret() : null);
        DateTimeOffset now = time.GetUtcNow();
        WebhookSubscription stored = await store.UpsertAsync(
            new WebhookSubscription
            {
                Tenant = instance.Tenant,
                InstanceId = instance.Id,
                Url = normalised,
                Headers = headers is { Count: > 0 } ? headers : existing?.Headers ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase),
                Events = events ?? existing?.Events ?? [],
                Secret = newSecret ?? existing!.Secret,
                OpenCiteSignature = openCite ?? existing?.OpenCiteSignature ?? false,
                CreatedAt = existing?.CreatedAt ?? now,
                UpdatedAt = now,
            },
            context.RequestAborted);
        WebhookReply[] all = await ListRepliesAsync(store, instance, context.RequestAborted);
        // A secret the caller chose is theirs already; only one made here is shown, and only this once.
        return TypedResults.Ok(new WebhookSubscribedReply(true, existing is null, Urls(all), ToReply(stored), secret is null ? newSecret : null));
    }

    private static async Task<Results<Ok<WebhookUnsubscribedReply>, ValidationProblem, ProblemHttpResult>> UnsubscribeAsync(string id, HttpContext context, IInstanceStore instances, IWebhookStore store, string? url)
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
        if (string.IsNullOrWhiteSpace(target))
        {
            return ApiRequest.Invalid([("url", "is required: the URL that was subscribed, in the body {\"url\": ...} or as ?url=.")]);
        }

        // As OpenCITE: a URL that is not subscribed (or not a URL at all) was not removed, which is not an error.
        bool removed = Uri.TryCreate(target.Trim(), UriKind.Absolute, out Uri? parsed)
            && await store.DeleteAsync(instance.Tenant, instance.Id, WebhookSubscription.UrlKey(WebhookSubscription.Normalise(parsed)), context.RequestAborted);
        WebhookReply[] all = await ListRepliesAsync(store, instance, context.RequestAborted);
        return TypedResults.Ok(new WebhookUnsubscribedReply(true, removed, Urls(all)));
    }

    private static async Task<WebhookReply[]> ListRepliesAsync(IWebhookStore store, PluginInstance instance, CancellationToken cancellationToken)
    {
        IReadOnlyList<WebhookSubscription> all = await store.ListAsync(instance.Tenant, instance.Id, cancellationToken);
        return [.. all.OrderBy(s => s.CreatedAt).ThenBy(s => s.Url, StringComparer.Ordinal).Select(ToReply)];
    }

    private static string[] Urls(IEnumerable<WebhookReply> replies) => [.. replies.Select(r => r.Url)];

    private static string? ReadSecret(JsonObject body, List<(string, string)> errors)
    {
        if (!ApiRequest.TryGetString(body, "secret", out string? secret, out string? error))
        {
            return null;
        }

        if (error is not null || secret is not { Length: >= MinSecretLength and <= MaxSecretLength } || secret.Any(char.IsControl))
        {
            // The message never repeats the value.
            errors.Add(("secret", $"must be a string of {MinSecretLength}-{MaxSecretLength} characters without control characters."));
            return null;
        }

        return secret;
    }

    private static bool? ReadBool(JsonObject body, string name, List<(string, string)> errors)
    {
        if (ApiRequest.TryGetBool(body, name, out bool? value, out string? error) && error is not null)
        {
            errors.Add((name, error));
        }

        return value;
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

    private static Dictionary<string, string>? ReadHeaders(JsonObject body, List<(string, string)> errors)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!body.TryGetPropertyValue("headers", out JsonNode? node) || node is null)
        {
            return null;
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

    private static List<string>? ReadEvents(JsonObject body, List<(string, string)> errors)
    {
        var events = new List<string>();
        if (!body.TryGetPropertyValue("events", out JsonNode? node) || node is null)
        {
            return null;
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
        new(s.Url, s.Headers.Keys.ToDictionary(k => k, _ => Mask, StringComparer.OrdinalIgnoreCase), s.Events, s.OpenCiteSignature, s.CreatedAt, s.UpdatedAt);

    private static Task<PluginInstance?> FindAsync(string id, HttpContext context, IInstanceStore store) =>
        InstanceIds.IsValid(id) ? store.GetAsync(context.User.GetCaller().Tenant, id, context.RequestAborted) : Task.FromResult<PluginInstance?>(null);

    private static ProblemHttpResult NotFound(string id) => ApiRequest.NotFound($"No instance '{id}' in this tenant.");
}

/// <summary>OpenCITE's list (<c>webhooks</c>: URLs) with our subscriptions beside it.</summary>
internal sealed record WebhookList(
    [property: JsonPropertyName("webhooks")] IReadOnlyList<string> Webhooks,
    [property: JsonPropertyName("subscriptions")] IReadOnlyList<WebhookReply> Subscriptions,
    [property: JsonPropertyName("count")] int Count);

/// <summary>A subscription as listed: header names with their values masked, never the secret.</summary>
internal sealed record WebhookReply(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("opencite_signature")] bool OpenCiteSignature,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt);

/// <summary>OpenCITE's subscribe reply (<c>success</c>, <c>added</c>, <c>webhooks</c>), with the subscription and, when it is new, the secret.</summary>
internal sealed record WebhookSubscribedReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("added")] bool Added,
    [property: JsonPropertyName("webhooks")] IReadOnlyList<string> Webhooks,
    [property: JsonPropertyName("subscription")] WebhookReply Subscription,
    [property: JsonPropertyName("secret"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret);

/// <summary>OpenCITE's unsubscribe reply.</summary>
internal sealed record WebhookUnsubscribedReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("removed")] bool Removed,
    [property: JsonPropertyName("webhooks")] IReadOnlyList<string> Webhooks);

/// <summary>
/// POST /instances/{id}/webhooks: the URL, and optionally its headers, event type patterns, a secret of the caller's
/// or a new one (<c>rotate_secret</c>), and OpenCITE's signature. Described for the OpenAPI document; the handler reads
/// the body itself so that every field's problem is reported at once, by name (<see cref="ApiRequest"/>).
/// </summary>
internal sealed record WebhookSubscribeRequest
{
    [JsonPropertyName("url")] public required string Url { get; init; }

    [JsonPropertyName("headers")] public Dictionary<string, string>? Headers { get; init; }

    [JsonPropertyName("events")] public IReadOnlyList<string>? Events { get; init; }

    [JsonPropertyName("secret")] public string? Secret { get; init; }

    [JsonPropertyName("rotate_secret")] public bool? RotateSecret { get; init; }

    [JsonPropertyName("opencite_signature")] public bool? OpenCiteSignature { get; init; }
}

/// <summary>DELETE /instances/{id}/webhooks: the subscribed URL, in this optional body or as <c>?url=</c>.</summary>
internal sealed record WebhookUnsubscribeRequest
{
    [JsonPropertyName("url")] public string? Url { get; init; }
}
