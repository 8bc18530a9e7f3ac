using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Functions.Scheduling;

/// <summary>What one discovery tick does: the engine finds due plugin instances, claims and scans them.</summary>
public interface IDiscoveryTick
{
    /// <summary>Runs one tick at <paramref name="now"/>; returns a summary for the invocation's reply.</summary>
    Task<JsonNode?> RunAsync(DateTimeOffset now, bool isPastDue, CancellationToken cancellationToken);
}
