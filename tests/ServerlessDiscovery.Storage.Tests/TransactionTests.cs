using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Storage.Tests;

/// <summary>Entity group transactions as the inventory writer and the outbox relay use them.</summary>
public sealed class TransactionTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private TableClient Table => fixture.Table;

    private static string Pk() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task SubmitTransaction_Exactly100_CommitsAllInOneRequest()
    {
        var counter = new TableRequestCounter();
        TableClient table = await fixture.CreateStore(counter.AddTo(TableStore.CreateClientOptions())).GetTableAsync("t");
        string pk = Pk();
        counter.Reset();

        await table.SubmitTransactionAsync(Enumerable.Range(0, TableQueries.MaxTransactionActions)
            .Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, $"r{i:D3}") { ["N"] = i })));

        Assert.Equal(1, counter.Transactions);
        Assert.Equal(100, counter.EntityWrites);
        Assert.Equal(100, await CountAsync(pk));
    }

    [Fact]
    public async Task SubmitTransaction_OneFailingAction_RollsBackTheOthersAndNamesIt()
    {
        string pk = Pk();
        await Table.AddEntityAsync(new TableEntity(pk, "r042"));
        TableTransactionAction[] actions = [.. Enumerable.Range(0, 99)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, $"r{i:D3}")))];

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => Table.SubmitTransactionAsync(actions));

        Assert.Equal(409, ex.Status);
        Assert.Equal(42, ex.FailedTransactionActionIndex);
        Assert.Equal(1, await CountAsync(pk));
    }

    [Fact]
    public async Task SubmitTransaction_StaleETag_Fails412AndWritesNothing()
    {
        string pk = Pk();
        Response added = await Table.AddEntityAsync(new TableEntity(pk, "asset") { ["Invocations"] = 1L });
        await Table.UpdateEntityAsync(new TableEntity(pk, "asset") { ["Invocations"] = 2L }, added.Headers.ETag!.Value, TableUpdateMode.Merge);

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => Table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(pk, "asset") { ["Invocations"] = 3L }, added.Headers.ETag!.Value),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "!outbox~1") { ["Count"] = 1 }),
        ]));

        Assert.Equal(412, ex.Status);
        Assert.Equal(2L, (await Table.GetEntityAsync<TableEntity>(pk, "asset")).Value.GetInt64("Invocations"));
        Assert.False((await Table.GetEntityIfExistsAsync<TableEntity>(pk, "!outbox~1")).HasValue);
    }

    [Fact]
    public async Task SubmitTransaction_AllActionKinds_Apply()
    {
        string pk = Pk();
        Response keep = await Table.AddEntityAsync(new TableEntity(pk, "merge") { ["A"] = 1, ["B"] = 1 });
        await Table.AddEntityAsync(new TableEntity(pk, "replace") { ["A"] = 1, ["B"] = 1 });
        await Table.AddEntityAsync(new TableEntity(pk, "delete"));

        await Table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, "add") { ["A"] = 1 }),
            new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(pk, "merge") { ["A"] = 2 }, keep.Headers.ETag!.Value),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity(pk, "replace") { ["A"] = 2 }),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(pk, "upsert-merge") { ["A"] = 1 }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "upsert-replace") { ["A"] = 1 }),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, "delete"), ETag.All),
        ]);

        TableEntity merged = (await Table.GetEntityAsync<TableEntity>(pk, "merge")).Value;
        TableEntity replaced = (await Table.GetEntityAsync<TableEntity>(pk, "replace")).Value;
        Assert.Equal((2, 1), (merged.GetInt32("A"), merged.GetInt32("B")));
        Assert.False(replaced.ContainsKey("B"));
        Assert.False((await Table.GetEntityIfExistsAsync<TableEntity>(pk, "delete")).HasValue);
        Assert.Equal(5, await CountAsync(pk));
    }

    private async Task<int> CountAsync(string pk)
    {
        int count = 0;
        await foreach (TableEntity _ in Table.QueryAsync<TableEntity>(TableQueries.Partition(pk), select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }
}
