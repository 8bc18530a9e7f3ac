namespace ServerlessDiscovery.Functions.Health;

/// <summary>One dependency /readyz checks.</summary>
public interface IReadinessCheck
{
    /// <summary>What is checked, as it appears in the problem body ("tableStorage", "eventSink").</summary>
    string Name { get; }

    /// <summary>Null when ready; otherwise what is wrong, without secrets.</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}
