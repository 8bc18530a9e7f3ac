using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Engine.ChangeFeed;

/// <summary>EventGrid__*: the custom topic the change feed is published to.</summary>
public sealed class EventGridOptions
{
    public const string Section = "EventGrid";

    /// <summary>EventGrid__TopicEndpoint: https://{topic}.{region}-1.eventgrid.azure.net/api/events. Empty: events stay in-process (standalone).</summary>
    public string? TopicEndpoint { get; set; }

    /// <summary>EventGrid__TopicKey: a topic access key (local and test use); without it the managed identity is used.</summary>
    public string? TopicKey { get; set; }

    /// <summary>EventGrid__ClientId: the user-assigned identity's client id for publishing.</summary>
    public string? ClientId { get; set; }

    /// <summary>Largest batch sent in one publish call, in bytes (Event Grid accepts up to 1 MB).</summary>
    public int MaxBatchBytes { get; set; } = 1_000_000;

    /// <summary>Whether the change feed goes to an Event Grid topic (EventGrid__TopicEndpoint set) rather than staying in-process.</summary>
    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{Section}:{nameof(TopicEndpoint)}"]);
}

internal sealed class EventGridOptionsValidator : IValidateOptions<EventGridOptions>
{
    public ValidateOptionsResult Validate(string? name, EventGridOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TopicEndpoint))
        {
            return ValidateOptionsResult.Success;
        }

        if (!Uri.TryCreate(options.TopicEndpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return ValidateOptionsResult.Fail("EventGrid__TopicEndpoint must be an absolute URL such as https://mytopic.westeurope-1.eventgrid.azure.net/api/events.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && string.IsNullOrEmpty(options.TopicKey))
        {
            return ValidateOptionsResult.Fail("EventGrid__TopicEndpoint is http, which only works with EventGrid__TopicKey (managed identity tokens need https).");
        }

        return options.MaxBatchBytes is < 1024 or > 1_048_576
            ? ValidateOptionsResult.Fail("EventGrid__MaxBatchBytes must be between 1024 and 1048576.")
            : ValidateOptionsResult.Success;
    }
}
