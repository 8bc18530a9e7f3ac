using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Engine.ChangeFeed;

/// <summary>CloudEvents 1.0 types the change feed emits.</summary>
public static class ChangeEventTypes
{
    public const string AssetCreated = "ServerlessDiscovery.Asset.Created";
    public const string AssetUpdated = "ServerlessDiscovery.Asset.Updated";
    public const string AssetDeleted = "ServerlessDiscovery.Asset.Deleted";
    public const string AssetStale = "ServerlessDiscovery.Asset.Stale";
    public const string AssetRestored = "ServerlessDiscovery.Asset.Restored";
    public const string ScanCompleted = "ServerlessDiscovery.Scan.Completed";
    public const string ScanFailed = "ServerlessDiscovery.Scan.Failed";
    public const string FindingOpened = "ServerlessDiscovery.Finding.Opened";
    public const string FindingResolved = "ServerlessDiscovery.Finding.Resolved";
}

/// <summary>
/// One change, as a CloudEvent: source /tenants/{tenant}/instances/{instance}, subject assets/{type}/{id},
/// scans/{runId} or findings/{kind}/{type}/{id}. The id is deterministic (run id and sequence), so a redelivered event can be recognised.
/// </summary>
public sealed record ChangeEvent(string Id, string Type, string Source, string Subject, DateTimeOffset Time, JsonObject Data)
{
    public string Tenant => Source.Split('/')[2];

    public string InstanceId => Source.Split('/')[4];

    public static string SourceFor(string tenant, string instanceId) => $"/tenants/{tenant}/instances/{instanceId}";

    /// <summary>The event in CloudEvents structured JSON.</summary>
    public JsonObject ToCloudEventJson() => new()
    {
        ["specversion"] = "1.0",
        ["id"] = Id,
        ["type"] = Type,
        ["source"] = Source,
        ["subject"] = Subject,
        ["time"] = Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["datacontenttype"] = "application/json",
        ["data"] = Data.DeepClone(),
    };

    public static ChangeEvent FromCloudEventJson(JsonObject json) => new(
        json["id"]!.GetValue<string>(),
        json["type"]!.GetValue<string>(),
        json["source"]!.GetValue<string>(),
        json["subject"]?.GetValue<string>() ?? string.Empty,
        DateTimeOffset.Parse(json["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
        json["data"] as JsonObject ?? []);

    public static ChangeEvent Parse(string cloudEventJson) =>
        FromCloudEventJson(JsonNode.Parse(cloudEventJson, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })!.AsObject());
}
