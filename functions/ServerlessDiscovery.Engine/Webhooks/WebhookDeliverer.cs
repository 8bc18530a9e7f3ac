using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Webhooks;

namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>What an attempt left the delivery in.</summary>
internal enum DeliveryOutcome
{
    /// <summary>The subscriber answered 2xx.</summary>
    Delivered,

    /// <summary>It failed and its next attempt is due after the returned delay.</summary>
    Retry,

    /// <summary>Permanently refused, out of attempts, or its subscription is gone.</summary>
    DeadLettered,

    /// <summary>Nothing to do: already delivered or dead-lettered, or no such delivery (a redelivered message).</summary>
    AlreadyFinished,

    /// <summary>Nothing to do: this attempt was made already (a duplicate message); the record's next attempt has its own.</summary>
    Superseded,

    /// <summary>Another attempt claimed it at the same moment.</summary>
    Busy,
}

/// <summary>
/// One attempt of one delivery, with its state transitions (the same standalone and under the Functions host):
/// pending --2xx--> delivered (body dropped); pending --4xx other than 408/429, or failure at MaxAttempts--> dead_lettered;
/// pending --other failure--> pending with Attempts+1 and NextAttemptAt = now + the returned delay (backoff with jitter,
/// or the subscriber's Retry-After, in whole seconds as the queue delays). The attempt is recorded before it is made.
/// </summary>
internal sealed partial class WebhookDeliverer(
    IDeliveryStore deliveries, IWebhookStore webhooks, WebhookSender sender, IOptions<WebhooksOptions> options, TimeProvider time, ILogger<WebhookDeliverer> logger)
{
    /// <param name="attempt">The attempt the caller means to make (1 for the first); any other than the record's next is a duplicate.</param>
    public async Task<(DeliveryOutcome Outcome, TimeSpan RetryIn)> AttemptAsync(string tenant, string instanceId, string id, int attempt, CancellationToken cancellationToken)
    {
        WebhookDelivery? delivery = await deliveries.GetAsync(tenant, instanceId, id, cancellationToken);
        if (delivery is null || delivery.State != DeliveryStates.Pending)
        {
            return (DeliveryOutcome.AlreadyFinished, default);
        }

        if (attempt != delivery.Attempts + 1)
        {
            return (DeliveryOutcome.Superseded, default);
        }

        WebhookSubscription? subscription;
        try
        {
            subscription = await webhooks.GetAsync(tenant, instanceId, delivery.SubscriptionKey, cancellationToken);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Retrying cannot help: the key that encrypted the subscription's secret is not this one.
            await FinishAsync(delivery, DeliveryStates.DeadLettered, null, "The subscription cannot be decrypted (was Secrets__EncryptionKey changed?); subscribe again.", cancellationToken);
            LogDeadLettered(logger, delivery.Id, tenant, instanceId, delivery.Attempts, "subscription cannot be decrypted");
            return (DeliveryOutcome.DeadLettered, default);
        }

        if (subscription is null)
        {
            await FinishAsync(delivery, DeliveryStates.DeadLettered, null, "The subscription was removed before the payload was delivered.", cancellationToken);
            return (DeliveryOutcome.DeadLettered, default);
        }

        DateTimeOffset now = time.GetUtcNow();
        try
        {
            // Claim by ETag and count the attempt before making it: a crash mid-send still counts, a concurrent attempt loses.
            delivery = await deliveries.UpdateAsync(delivery with { Attempts = attempt, NextAttemptAt = now + options.Value.Timeout, UpdatedAt = now }, cancellationToken: cancellationToken);
        }
        catch (WriteConflictException)
        {
            return (DeliveryOutcome.Busy, default);
        }

        AttemptResult result = await sender.SendAsync(subscription, delivery, attempt, cancellationToken);
        if (result.Delivered)
        {
            await SaveQuietlyAsync(delivery with { State = DeliveryStates.Delivered, LastStatus = result.Status, LastError = null, UpdatedAt = time.GetUtcNow() }, dropBody: true, cancellationToken);
            LogDelivered(logger, delivery.Id, tenant, instanceId, attempt);
            return (DeliveryOutcome.Delivered, default);
        }

        if (result.Permanent || attempt >= options.Value.MaxAttempts)
        {
            await FinishAsync(delivery, DeliveryStates.DeadLettered, result.Status, result.Error, cancellationToken);
            LogDeadLettered(logger, delivery.Id, tenant, instanceId, attempt, result.Error ?? string.Empty);
            return (DeliveryOutcome.DeadLettered, default);
        }

        TimeSpan retryIn = RetrySchedule.WholeSeconds(RetrySchedule.Delay(attempt, result.RetryAfter, options.Value));
        DateTimeOffset next = time.GetUtcNow() + retryIn;
        await SaveQuietlyAsync(delivery with { NextAttemptAt = next, LastStatus = result.Status, LastError = result.Error, UpdatedAt = time.GetUtcNow() }, dropBody: false, cancellationToken);
        LogRetry(logger, delivery.Id, tenant, instanceId, attempt, result.Error ?? string.Empty, next);
        return (DeliveryOutcome.Retry, retryIn);
    }

    private Task FinishAsync(WebhookDelivery delivery, string state, int? status, string? error, CancellationToken cancellationToken) =>
        SaveQuietlyAsync(delivery with { State = state, LastStatus = status, LastError = error, UpdatedAt = time.GetUtcNow() }, dropBody: false, cancellationToken);

    private async Task SaveQuietlyAsync(WebhookDelivery delivery, bool dropBody, CancellationToken cancellationToken)
    {
        try
        {
            await deliveries.UpdateAsync(delivery, dropBody, cancellationToken);
        }
        catch (WriteConflictException)
        {
            // Someone else recorded a later state of this delivery; theirs stands.
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Webhook delivery {Id} of {Tenant}/{Instance} delivered on attempt {Attempt}")]
    private static partial void LogDelivered(ILogger logger, string id, string tenant, string instance, int attempt);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Webhook delivery {Id} of {Tenant}/{Instance} failed on attempt {Attempt} ({Error}); next attempt at {Next:O}")]
    private static partial void LogRetry(ILogger logger, string id, string tenant, string instance, int attempt, string error, DateTimeOffset next);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Webhook delivery {Id} of {Tenant}/{Instance} dead-lettered after attempt {Attempt}: {Error}")]
    private static partial void LogDeadLettered(ILogger logger, string id, string tenant, string instance, int attempt, string error);
}
