using ServerlessDiscovery.Plugins.Aws.Http;

namespace ServerlessDiscovery.Plugins.Aws.Scanning;

/// <summary>Discovery of one AWS service in one region: one scope, "aws:{account}:{region}:{service}".</summary>
internal interface IAwsServiceDiscovery
{
    AwsService Service { get; }

    /// <summary>One cheap call proving the credentials may read this service.</summary>
    Task VerifyAsync(string region, CancellationToken cancellationToken);

    /// <summary>Reports every asset of <paramref name="scan"/>'s scope; throws a <see cref="ServerlessDiscovery.Plugins.Http.ProviderException"/> when it cannot.</summary>
    Task DiscoverAsync(AwsScan scan, CancellationToken cancellationToken);
}

/// <summary>One (account, region, service) being scanned.</summary>
internal sealed record AwsScan(string Account, string Region, string Scope, IDiscoverySink Sink)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    /// <summary>Items of the scope that could not be read; any makes the scope incomplete rather than completed.</summary>
    public IReadOnlyCollection<string> Warnings => _warnings;

    /// <summary>Records that one item (an endpoint, an agent) could not be fully read while its siblings were.</summary>
    public void Warn(string warning) => _warnings.Enqueue(warning);

    /// <summary>
    /// Reads one item (an agent's sub-listing, a flow's definition): when the item is gone or invalid (404,
    /// ResourceNotFound, Validation) that is a warning naming <paramref name="item"/>, and its siblings go on.
    /// </summary>
    public async Task ReadItemAsync(string item, Func<Task> read)
    {
        try
        {
            await read();
        }
        catch (ServerlessDiscovery.Plugins.Http.ProviderException ex) when (AwsJson.IsItemUnreadable(ex))
        {
            Warn($"{item} could not be read ({ex.Message})");
        }
    }

    /// <summary>The ARN partition of the region (aws, aws-cn, aws-us-gov).</summary>
    public string Partition => Region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : Region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";

    public ValueTask AddAsync(string type, string id, string name, System.Text.Json.Nodes.JsonObject attributes, CancellationToken cancellationToken) =>
        Sink.AddAssetAsync(new DiscoveredAsset(type, id, name, Scope) { Attributes = attributes }, cancellationToken);

    public ValueTask LinkAsync(string sourceType, string sourceId, string relationship, string targetType, string targetId, CancellationToken cancellationToken) =>
        Sink.AddEdgeAsync(new DiscoveredEdge(sourceType, sourceId, relationship, targetType, targetId, Scope), cancellationToken);
}
