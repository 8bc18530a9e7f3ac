using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Engine.ChangeFeed;

/// <summary>ChangeLog__*: how long the change log (GET /api/v1/changes) keeps events, and how fresh a read may be.</summary>
public sealed class ChangeLogOptions
{
    public const string Section = "ChangeLog";

    /// <summary>ChangeLog__Retention: events older than this are no longer served and their rows are pruned.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// ChangeLog__Settle: a read returns only rows older than this, so a row another host is still writing (its clock a
    /// little behind, its write in flight) cannot land behind a cursor that a reader already holds.
    /// </summary>
    public TimeSpan Settle { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>ChangeLog__PruneInterval: how often one host deletes a tenant's expired rows (on its next relay).</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}

internal sealed class ChangeLogOptionsValidator : IValidateOptions<ChangeLogOptions>
{
    public ValidateOptionsResult Validate(string? name, ChangeLogOptions options)
    {
        var failures = new List<string>();
        if (options.Retention < TimeSpan.FromMinutes(1) || options.Retention > TimeSpan.FromDays(366))
        {
            failures.Add("ChangeLog__Retention must be between 00:01:00 and 366.00:00:00.");
        }

        if (options.Settle < TimeSpan.Zero || options.Settle > TimeSpan.FromMinutes(5))
        {
            failures.Add("ChangeLog__Settle must be between 00:00:00 and 00:05:00.");
        }

        if (options.PruneInterval < TimeSpan.FromSeconds(1) || options.PruneInterval > TimeSpan.FromDays(1))
        {
            failures.Add("ChangeLog__PruneInterval must be between 00:00:01 and 1.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
