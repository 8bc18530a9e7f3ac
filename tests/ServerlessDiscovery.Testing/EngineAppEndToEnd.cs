using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using Xunit;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// The reads and checks every plugin's end-to-end test makes against the real app: the inventory through the API
/// and the Table rows, lineage, the CloudEvents emitted and the scheduled path.
/// </summary>
public static class EngineAppEndToEnd
{
    /// <summary>
    /// Gives the instance a five-minute schedule over the API, ticks past it and returns the run record of the one scan it
    /// ran of that instance. The schedule is aligned to the clock (minutes 0, 5, 10, ...), so an instance given one by an
    /// earlier call is due again when the seconds between the two ticks cross such a minute: its scan may be in the
    /// tick's answer too, and is not this one.
    /// </summary>
    public static async Task<JsonObject> ScheduledScanAsync(this EngineApp app, string instance, string status = "succeeded")
    {
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"api/v1/instances/{instance}") { Content = JsonContent.Create(new JsonObject { ["schedule"] = "0 */5 * * * *" }) })
        using (HttpResponseMessage response = await app.Client.SendAsync(put))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        JsonObject tick = await app.App.Get<DiscoveryScheduler>().TickAsync(DateTimeOffset.UtcNow.AddMinutes(6));
        JsonObject scan = Assert.Single(tick["scans"]!.AsArray(), s => (string?)s!["instance_id"] == instance)!.AsObject();
        Assert.Equal(status, (string?)scan["status"]);
        return await app.ScanRunAsync(instance, (string)scan["scan_run_id"]!);
    }

    /// <summary>The run record of one scan of the instance, from GET /api/v1/instances/{id}/scans.</summary>
    public static async Task<JsonObject> ScanRunAsync(this EngineApp app, string instance, string runId)
    {
        JsonObject scans = (await app.Client.GetFromJsonAsync<JsonObject>($"api/v1/instances/{instance}/scans"))!;
        return scans["scans"]!.AsArray().Single(s => (string?)s!["scan_run_id"] == runId)!.AsObject();
    }

    /// <summary>GET /api/v1/assets/{type}/{**id}: the id goes into the path as it is, but for the characters a URL gives meaning to.</summary>
    public static async Task<JsonObject> GetAssetAsync(this EngineApp app, string type, string id)
    {
        string path = id.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
        using HttpResponseMessage response = await app.Client.GetAsync($"api/v1/assets/{type}/{path}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{type} {id}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>GET /api/v1/inventory?instance=: the instance's visible assets as (type, id) pairs.</summary>
    public static async Task<HashSet<(string Type, string Id)>> ListAssetsAsync(this EngineApp app, string instance)
    {
        JsonObject page = (await app.Client.GetFromJsonAsync<JsonObject>($"api/v1/inventory?instance={instance}&limit=1000"))!;
        Assert.Null(page["continuationToken"]);
        return [.. page["items"]!.AsArray().Select(a => ((string)a!["type"]!, (string)a["id"]!))];
    }

    /// <summary>GET /api/v1/lineage?source_id=: the active relationships from one asset.</summary>
    public static async Task<JsonArray> LineageFromAsync(this EngineApp app, string sourceId)
    {
        JsonObject page = (await app.Client.GetFromJsonAsync<JsonObject>($"api/v1/lineage?source_id={Uri.EscapeDataString(sourceId)}"))!;
        return page["relationships"]!.AsArray();
    }

    /// <summary>Asserts an active relationship source -relationship-> target exists in lineage.</summary>
    public static async Task AssertEdgeAsync(this EngineApp app, string sourceId, string relationship, string targetType, string targetId)
    {
        JsonArray edges = await app.LineageFromAsync(sourceId);
        Assert.Contains(edges, e => (string?)e!["relationship"] == relationship && (string?)e["target_type"] == targetType && (string?)e["target_id"] == targetId);
    }

    /// <summary>The Table row of one asset of an instance.</summary>
    public static async Task<Azure.Data.Tables.TableEntity> AssetRowAsync(this EngineApp app, string instance, string type, string id)
    {
        Dictionary<string, Azure.Data.Tables.TableEntity> rows = await app.AssetRowsAsync(instance);
        return Assert.Single(rows.Values, r => r.GetString("Type") == type && r.GetString("Id") == id);
    }

    /// <summary>Asserts the run's status (a scan with a failed scope is "partial") and returns its counts.</summary>
    public static JsonObject Counts(JsonObject run, string status = "succeeded")
    {
        Assert.True((string?)run["status"] == status, run.ToJsonString());
        return run["counts"]!.AsObject();
    }

    /// <summary>Asserts the events of one run: an event of <paramref name="type"/> for each asset, and a Scan.Completed.</summary>
    public static void AssertEvents(this EngineApp app, JsonObject run, string type, IEnumerable<(string Type, string Id)> assets)
    {
        string runId = (string)run["scan_run_id"]!;
        ChangeEvent[] events = [.. app.Events.Events.Where(e => (string?)e.Data["scan_run_id"] == runId)];
        Assert.Contains(events, e => e.Type == ChangeEventTypes.ScanCompleted);
        foreach ((string assetType, string id) in assets)
        {
            ChangeEvent e = Assert.Single(events, e => e.Subject == $"assets/{assetType}/{id}");
            Assert.Equal(type, e.Type);
            Assert.Equal(id, (string?)e.Data["asset"]?["id"]);
        }
    }

    /// <summary>Asserts the asset's row is a tombstone with a reason and a Deleted event carried it.</summary>
    public static async Task AssertTombstonedAsync(this EngineApp app, string instance, JsonObject run, string type, string id)
    {
        Azure.Data.Tables.TableEntity row = await app.AssetRowAsync(instance, type, id);
        Assert.Equal(AssetState.Deleted, row.GetString("State"));
        Assert.False(string.IsNullOrWhiteSpace(row.GetString("Reason")), "a tombstone names why");
        app.AssertEvents(run, ChangeEventTypes.AssetDeleted, [(type, id)]);
        Assert.Equal(AssetState.Deleted, (string?)(await app.GetAssetAsync(type, id))["state"]);
        Assert.DoesNotContain((type, id), await app.ListAssetsAsync(instance));
    }

    /// <summary>Asserts GET /api/v1/instances/{id} shows each secret field masked and no secret value anywhere.</summary>
    public static async Task AssertSecretsMaskedAsync(this EngineApp app, string instance, IReadOnlyDictionary<string, string> secrets)
    {
        string body = await app.Client.GetStringAsync($"api/v1/instances/{instance}");
        JsonObject config = JsonNode.Parse(body)!["instance"]!["config"]!.AsObject();
        foreach ((string field, string value) in secrets)
        {
            Assert.Equal("********", (string?)config[field]);
            Assert.DoesNotContain(value, body, StringComparison.Ordinal);
        }
    }
}
