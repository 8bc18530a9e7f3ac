using Microsoft.Extensions.Options;
using NCrontab;

namespace ServerlessDiscovery.Functions.Scheduling;

/// <summary>DISCOVERY_TICK: the timer's 6-field NCRONTAB expression (seconds first), also the DiscoveryTick function's %DISCOVERY_TICK% schedule.</summary>
public sealed class DiscoveryScheduleOptions
{
    public const string SettingName = "DISCOVERY_TICK";
    public const string DefaultTick = "0 */1 * * * *";

    public string Tick { get; set; } = DefaultTick;

    internal CrontabSchedule Parse() =>
        CrontabSchedule.Parse(Tick, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
}

internal sealed class DiscoveryScheduleOptionsValidator : IValidateOptions<DiscoveryScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryScheduleOptions options)
    {
        CrontabSchedule? schedule = CrontabSchedule.TryParse(options.Tick, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        return schedule is null
            ? ValidateOptionsResult.Fail($"{DiscoveryScheduleOptions.SettingName} '{options.Tick}' is not a 6-field NCRONTAB expression (second minute hour day month weekday), e.g. '{DiscoveryScheduleOptions.DefaultTick}'.")
            : ValidateOptionsResult.Success;
    }
}
