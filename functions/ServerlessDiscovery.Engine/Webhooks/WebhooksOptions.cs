using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>
/// Webhooks__*: the outbound side of webhooks (retries, timeout, the standalone queue poller). Which addresses they may
/// reach is the egress address policy's (Egress__AllowedNetworks), the same for webhooks and plugins.
/// </summary>
public sealed class WebhooksOptions
{
    public const string Section = "Webhooks";

    /// <summary>Webhooks__MaxAttempts: attempts per delivery before it is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Webhooks__BaseDelay: the first retry's upper bound; it doubles per attempt (full jitter).</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Webhooks__MaxDelay: the longest wait between attempts, Retry-After included.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Webhooks__Timeout: time allowed for one attempt (connect, send, response headers).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Webhooks__Concurrency: deliveries-queue messages one standalone process handles at once.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Webhooks__PollInterval: the longest a standalone process waits between looks at an empty deliveries queue.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

internal sealed class WebhooksOptionsValidator : IValidateOptions<WebhooksOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhooksOptions options)
    {
        var failures = new List<string>();
        if (options.MaxAttempts is < 1 or > 100)
        {
            failures.Add("Webhooks__MaxAttempts must be between 1 and 100.");
        }

        if (options.BaseDelay <= TimeSpan.Zero || options.BaseDelay > TimeSpan.FromHours(1))
        {
            failures.Add("Webhooks__BaseDelay must be a positive time span of at most 01:00:00 (hh:mm:ss).");
        }

        if (options.MaxDelay < options.BaseDelay || options.MaxDelay > TimeSpan.FromDays(1))
        {
            failures.Add("Webhooks__MaxDelay must be at least Webhooks__BaseDelay and at most 1.00:00:00.");
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(100) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Webhooks__Timeout must be between 00:00:00.1 and 00:05:00.");
        }

        if (options.Concurrency is < 1 or > 256)
        {
            failures.Add("Webhooks__Concurrency must be between 1 and 256.");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add("Webhooks__PollInterval must be between 00:00:00.1 and 00:01:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
