using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Inventory;

/// <summary>
/// The scan write path's quality bar (DESIGN section 8), counted on the wire by a pipeline policy rather than taken from the
/// writer's own figures: a first scan is batched into full transactions, an unchanged re-scan sends no write at all.
/// </summary>
public sealed class InventoryWriterTests
{
    private const int Assets = 10_000;

    [Fact]
    public async Task ApplyAsync_FirstScanThenUnchangedRescan_BatchesFullTransactionsThenWritesNothing()
    {
        var counter = new TableRequestCounter();
        var store = new TableStore(
            Options.Create(new StorageOptions { ConnectionString = Azurite.ConnectionString, TablePrefix = Azurite.UniqueName("w") }),
            counter.AddTo(TableStore.CreateClientOptions()));
        var writer = new InventoryWriter(new ServerlessDiscovery.Storage.Inventory.TableInventoryStore(store), TimeProvider.System, Options.Create(new DiscoveryOptions()));
        List<DiscoveredAsset> assets = [.. Enumerable.Range(0, Assets).Select(i => new DiscoveredAsset(AssetTypes.Model, $"arn:aws:sagemaker:us-east-1:1:model/m{i:D5}", $"m{i:D5}", "scope")
        {
            Attributes = new JsonObject { ["framework"] = "pytorch", ["i"] = i },
        })];
        var scopes = new Dictionary<string, string?> { ["scope"] = null };

        await store.GetTableAsync(TableNames.Assets);
        await store.GetTableAsync(TableNames.Edges);
        counter.Reset();
        InventoryChanges first = await writer.ApplyAsync(Scan(), assets, [], scopes, CancellationToken.None);
        (int firstWrites, int firstTransactions, int firstAttempts) = (counter.EntityWrites, counter.Transactions, counter.Attempts);
        counter.Reset();
        InventoryChanges again = await writer.ApplyAsync(Scan(), assets, [], scopes, CancellationToken.None);

        // Each transaction carries 99 asset rows and the outbox row holding their events: one partition, full batches.
        int outboxRows = (Assets + 98) / 99;
        Assert.Equal(Assets, first.Created);
        Assert.Equal(Assets + outboxRows, firstWrites);
        Assert.Equal(outboxRows, firstTransactions);
        Assert.True(firstTransactions <= (firstWrites + 99) / 100, $"{firstTransactions} transactions for {firstWrites} entity writes");
        Assert.Equal(firstTransactions + 2, firstAttempts); // besides the transactions: one read of the (empty) partition, one of the edges
        Assert.Equal((firstWrites, firstTransactions), (first.EntityWrites, first.Transactions));
        Assert.Equal(Assets, again.Unchanged);
        Assert.Equal((0, 0), (counter.EntityWrites, counter.Transactions));
        Assert.Equal((0, 0), (again.EntityWrites, again.Transactions));
    }

    private static ScanIdentity Scan() => new("default", "bulk", ScanRun.NewRunId(DateTimeOffset.UtcNow), Force: false);
}
