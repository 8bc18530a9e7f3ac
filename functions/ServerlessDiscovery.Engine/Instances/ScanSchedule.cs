using NCrontab;

namespace ServerlessDiscovery.Engine.Instances;

/// <summary>
/// An instance's schedule: a 6-field NCRONTAB expression (second minute hour day month weekday). The one parser the
/// API, configuration and the scheduler share, so input the library cannot take (a value or step past Int32, which
/// NCrontab answers with an OverflowException instead of a parse error) is simply not a schedule.
/// </summary>
public static class ScanSchedule
{
    /// <summary>The longest expression taken; six fields with lists and ranges fit easily.</summary>
    public const int MaxLength = 256;

    private static readonly CrontabSchedule.ParseOptions Options = new() { IncludingSeconds = true };

    /// <summary>The parsed schedule, or null when <paramref name="expression"/> is not a valid one.</summary>
    public static CrontabSchedule? TryParse(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression) || expression.Length > MaxLength)
        {
            return null;
        }

        try
        {
            return CrontabSchedule.TryParse(expression, Options);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
