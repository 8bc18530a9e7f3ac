namespace ServerlessDiscovery.Storage.Webhooks;

/// <summary>Columns of a row in the "webhooks" table (PartitionKey {tenant}~{instance}, RowKey the URL's key).</summary>
internal static class WebhookColumns
{
    public const string Url = "Url";

    /// <summary>The subscriber's headers as a JSON object, sealed.</summary>
    public const string Headers = "Headers";

    /// <summary>The header names in clear (a JSON array), for listing without opening anything.</summary>
    public const string HeaderNames = "HeaderNames";

    /// <summary>JSON array of CloudEvent type patterns.</summary>
    public const string Events = "Events";

    /// <summary>The signing secret, sealed.</summary>
    public const string Secret = "Secret";
    public const string OpenCiteSignature = "OpenCiteSignature";
    public const string CreatedAt = "CreatedAt";
    public const string UpdatedAt = "UpdatedAt";
}

/// <summary>Columns of a row in the "deliveries" table (PartitionKey {tenant}~{instance}, RowKey the delivery id).</summary>
internal static class DeliveryColumns
{
    public const string Tenant = "Tenant";
    public const string InstanceId = "InstanceId";
    public const string SubscriptionKey = "SubscriptionKey";
    public const string Kind = "Kind";
    public const string ContentType = "ContentType";
    public const string State = "State";
    public const string Attempts = "Attempts";
    public const string NextAttemptAt = "NextAttemptAt";
    public const string LastStatus = "LastStatus";
    public const string LastError = "LastError";
    public const string CreatedAt = "CreatedAt";
    public const string UpdatedAt = "UpdatedAt";

    /// <summary>The payload, split by <see cref="LargeBinary"/>; removed once the delivery is finished.</summary>
    public const string Body = "Body";
}
