using Azure;
using Azure.Identity;
using Azure.Messaging.EventGrid;
using ServerlessDiscovery.Engine.ChangeFeed;

namespace ServerlessDiscovery.EventGrid;

/// <summary>The one way the app builds its Event Grid publisher from EventGrid__*: a topic key when given, else the managed identity.</summary>
internal static class EventGridPublishing
{
    public static EventGridPublisherClient CreateClient(EventGridOptions options)
    {
        var endpoint = new Uri(options.TopicEndpoint!);
        var clientOptions = new EventGridPublisherClientOptions();
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return !string.IsNullOrEmpty(options.TopicKey)
            ? new EventGridPublisherClient(endpoint, new AzureKeyCredential(options.TopicKey), clientOptions)
            : new EventGridPublisherClient(
                endpoint,
                string.IsNullOrEmpty(options.ClientId) ? new DefaultAzureCredential() : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ClientId)),
                clientOptions);
    }
}
