namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>
/// Hands an accepted OTLP request body to the webhooks that asked for forwarded telemetry. Called by the OTLP
/// endpoint after the body has been decoded successfully; must return quickly (queue, never deliver inline) and
/// must not throw for a subscriber's failure.
/// </summary>
public interface IOtlpForwarder
{
    /// <param name="tenant">The tenant the request was accepted for.</param>
    /// <param name="signal">"traces" or "logs".</param>
    /// <param name="body">The request body after gzip decoding.</param>
    /// <param name="isProtobuf">True for application/x-protobuf, false for application/json.</param>
    Task ForwardAsync(string tenant, string signal, ReadOnlyMemory<byte> body, bool isProtobuf, CancellationToken cancellationToken);
}
