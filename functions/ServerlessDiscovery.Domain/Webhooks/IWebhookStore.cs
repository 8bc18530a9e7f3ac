namespace ServerlessDiscovery.Domain.Webhooks;

/// <summary>
/// Webhook subscriptions, per instance, one per normalised URL (<see cref="WebhookSubscription.Key"/>). Headers and
/// secret are sealed at rest (<see cref="IWebhookSecrets"/>); callers see them in clear.
/// </summary>
public interface IWebhookStore
{
    /// <summary>Changes whenever this process adds or removes a subscription, so caches of subscriptions can tell they are out of date.</summary>
    int Generation { get; }

    /// <summary>The instance's subscriptions, opened.</summary>
    Task<IReadOnlyList<WebhookSubscription>> ListAsync(string tenant, string instanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The URLs subscribed to an instance, oldest first, read without opening any sealed header or secret: an instance
    /// lists its webhooks even when they no longer open (Secrets__EncryptionKey changed).
    /// </summary>
    Task<IReadOnlyList<string>> ListUrlsAsync(string tenant, string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The subscription with this key, or null; a sealed value that does not open throws <see cref="System.Security.Cryptography.CryptographicException"/>.</summary>
    Task<WebhookSubscription?> GetAsync(string tenant, string instanceId, string key, CancellationToken cancellationToken = default);

    /// <summary>Creates the subscription, or replaces the one for the same URL (keeping its creation time).</summary>
    Task<WebhookSubscription> UpsertAsync(WebhookSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>Removes one subscription; false when there was none.</summary>
    Task<bool> DeleteAsync(string tenant, string instanceId, string key, CancellationToken cancellationToken = default);

    /// <summary>Removes every subscription of an instance (it is being deleted), so a later instance of that id starts with none.</summary>
    Task DeleteAllAsync(string tenant, string instanceId, CancellationToken cancellationToken = default);
}
