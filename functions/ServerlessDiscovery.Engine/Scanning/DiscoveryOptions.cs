using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>Discovery__*: how scans run.</summary>
public sealed class DiscoveryOptions
{
    public const string Section = "Discovery";

    /// <summary>Scans one host runs at once.</summary>
    public int MaxConcurrentScans { get; set; } = 4;

    /// <summary>A scan still running after this is cancelled and recorded as failed.</summary>
    public TimeSpan ScanTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a claimed scan stays claimed; a host that dies loses its claim when this runs out.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A scan that would delete more than this share of an instance's active assets is refused unless forced.</summary>
    public double DeletionGuardRatio { get; set; } = 0.5;

    /// <summary>An unchanged asset's lastSeen is written at most this often (unchanged re-scans otherwise write nothing).</summary>
    public TimeSpan LastSeenRefresh { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most assets one scan may report; beyond it the scan fails rather than exhaust memory.</summary>
    public int MaxAssetsPerScan { get; set; } = 200_000;

    /// <summary>Time allowed for a connection check.</summary>
    public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A declared asset of a traced instance with no observed use for this long is an <c>unused</c> finding.</summary>
    public TimeSpan UnusedAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a tenant's index of declared assets serves trace resolution before it is rebuilt from the store.</summary>
    public TimeSpan ResolutionIndexTtl { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class DiscoveryOptionsValidator : IValidateOptions<DiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryOptions o)
    {
        var failures = new List<string>();
        if (o.MaxConcurrentScans is < 1 or > 64)
        {
            failures.Add("Discovery__MaxConcurrentScans must be between 1 and 64.");
        }

        if (o.ScanTimeout <= TimeSpan.Zero)
        {
            failures.Add("Discovery__ScanTimeout must be a positive time span such as 00:05:00.");
        }

        if (o.LeaseDuration <= o.ScanTimeout)
        {
            failures.Add("Discovery__LeaseDuration must be longer than Discovery__ScanTimeout, or a running scan could be taken over.");
        }

        if (o.DeletionGuardRatio is < 0 or > 1 || double.IsNaN(o.DeletionGuardRatio))
        {
            failures.Add("Discovery__DeletionGuardRatio must be between 0 and 1 (0.5 = refuse scans deleting more than half).");
        }

        if (o.LastSeenRefresh < TimeSpan.Zero)
        {
            failures.Add("Discovery__LastSeenRefresh must not be negative.");
        }

        if (o.MaxAssetsPerScan < 1)
        {
            failures.Add("Discovery__MaxAssetsPerScan must be positive.");
        }

        if (o.VerifyTimeout <= TimeSpan.Zero)
        {
            failures.Add("Discovery__VerifyTimeout must be positive.");
        }

        if (o.UnusedAfter <= TimeSpan.Zero)
        {
            failures.Add("Discovery__UnusedAfter must be a positive time span such as 30.00:00:00.");
        }

        if (o.ResolutionIndexTtl < TimeSpan.Zero)
        {
            failures.Add("Discovery__ResolutionIndexTtl must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
