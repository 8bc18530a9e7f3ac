namespace ServerlessDiscovery.Domain.Webhooks;

/// <summary>Where a delivery is in its life: pending (attempts left), delivered (2xx), or dead-lettered.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string DeadLettered = "dead_lettered";
}

/// <summary>
/// One payload for one subscription, stored in the "deliveries" table before its first attempt so that nothing
/// queued is lost when a process stops. The subscriber's headers and secret are read from the subscription at
/// each attempt and never copied here.
/// </summary>
public sealed record WebhookDelivery
{
    /// <summary>Payloads above this are split before they are queued: under receivers' usual 1 MB, and within one table entity.</summary>
    public const int MaxBodyBytes = 900_000;

    public required string Tenant { get; init; }

    public required string InstanceId { get; init; }

    public required string Id { get; init; }

    public required string SubscriptionKey { get; init; }

    /// <summary>"otlp.traces", "otlp.logs" or "events".</summary>
    public required string Kind { get; init; }

    public required string ContentType { get; init; }

    /// <summary>Null once the delivery is finished (the body is dropped from delivered rows).</summary>
    public byte[]? Body { get; init; }

    public string State { get; init; } = DeliveryStates.Pending;

    public int Attempts { get; init; }

    public DateTimeOffset NextAttemptAt { get; init; }

    public int? LastStatus { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? ETag { get; init; }
}
