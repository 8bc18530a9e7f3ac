using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDiscovery.Engine.ChangeFeed;

namespace ServerlessDiscovery.EventGrid;

/// <summary>Registers the Event Grid adapter: the only project that references the Event Grid SDK.</summary>
public static class EventGridServiceCollectionExtensions
{
    /// <summary>
    /// When EventGrid__TopicEndpoint is set, the change feed is published to that topic (<see cref="IEventSink"/>);
    /// otherwise the core's in-process sink stays. The hosts call this beside AddDiscoveryEngine().
    /// </summary>
    public static IServiceCollection AddEventGridPublishing(this IServiceCollection services, IConfiguration configuration)
    {
        if (EventGridOptions.IsConfigured(configuration))
        {
            services.AddSingleton<IEventSink, EventGridEventSink>();
        }

        return services;
    }
}
