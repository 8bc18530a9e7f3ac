using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// The scan write path against a real Azurite: a first scan of N assets, an unchanged re-scan, and one with 1 % changed,
/// each through the inventory writer, compared with a naive writer that upserts every asset one request at a time.
/// Wall time includes Azurite's own work on the same machine.
/// </summary>
internal static class InventoryWriteBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        // Counted on the wire, so the writer's own figures are checked against what the Table service was sent.
        var counter = new TableRequestCounter();
        TableStore store = BenchStorage.Create("bench", "scripts/bench-inventory.sh", counter.AddTo(TableStore.CreateClientOptions()));
        var writer = new InventoryWriter(new ServerlessDiscovery.Storage.Inventory.TableInventoryStore(store), TimeProvider.System, Options.Create(new DiscoveryOptions()));
        var scopes = new Dictionary<string, string?> { ["bench:scope"] = null };

        List<DiscoveredAsset> assets = [.. Enumerable.Range(0, count).Select(i => Asset(i, "v1"))];
        Console.WriteLine($"Inventory write path, {count} assets, Azurite at {store.Service.Uri}");
        Console.WriteLine($"{"scan",-22} {"entity writes",14} {"transactions",13} {"events",8} {"wall ms",9} {"sent writes",12} {"sent txns",10}");

        await RunScanAsync("first scan", writer, counter, assets, scopes);
        await RunScanAsync("unchanged re-scan", writer, counter, assets, scopes);
        List<DiscoveredAsset> changed = [.. assets.Select((a, i) => i % 100 == 0 ? Asset(i, "v2") : a)];
        await RunScanAsync("1 % changed", writer, counter, changed, scopes);

        // Naive: one upsert per asset per scan, whether or not it changed.
        TableClient naive = await store.GetTableAsync("naive");
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(assets.Select(async a =>
        {
            await gate.WaitAsync();
            try
            {
                var row = new TableEntity("bench", StorageKeys.AssetRow(a.Type, a.Id)) { ["Name"] = a.Name, ["Attributes"] = a.Attributes.ToJsonString() };
                await naive.UpsertEntityAsync(row, TableUpdateMode.Replace);
            }
            finally
            {
                gate.Release();
            }
        }));
        Console.WriteLine($"{"naive, any scan",-22} {count,14} {count,13} {"-",8} {clock.ElapsedMilliseconds,9}");
        Console.WriteLine("The naive writer makes the same writes on every scan, changed or not.");
        return 0;
    }

    private static async Task RunScanAsync(
        string label, InventoryWriter writer, TableRequestCounter counter, IReadOnlyCollection<DiscoveredAsset> assets, IReadOnlyDictionary<string, string?> scopes)
    {
        counter.Reset();
        var clock = Stopwatch.StartNew();
        InventoryChanges changes = await writer.ApplyAsync(
            new ScanIdentity("bench", "inst", ScanRun.NewRunId(DateTimeOffset.UtcNow), Force: false), assets, [], scopes, CancellationToken.None);
        Console.WriteLine($"{label,-22} {changes.EntityWrites,14} {changes.Transactions,13} {changes.Events,8} {clock.ElapsedMilliseconds,9} {counter.EntityWrites,12} {counter.Transactions,10}");
    }

    private static DiscoveredAsset Asset(int i, string revision) =>
        new(AssetTypes.Model, $"arn:aws:sagemaker:us-east-1:123456789012:model/model-{i:D6}", $"model-{i:D6}", "bench:scope")
        {
            Attributes = new JsonObject { ["framework"] = "pytorch", ["revision"] = revision, ["instance_type"] = "ml.g5.xlarge" },
        };
}
