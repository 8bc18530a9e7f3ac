using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Tables.Tests;

public sealed class TableClientTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private TableClient Table => fixture.Table;

    private static string Pk() => "pk-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task CreateIfNotExists_ExistingTable_ReturnsFalse()
    {
        Assert.False(await Table.CreateIfNotExistsAsync());
    }

    [Fact]
    public async Task AddEntity_EveryPropertyType_RoundTripsExactly()
    {
        var when = new DateTimeOffset(2026, 11, 23, 10, 11, 12, TimeSpan.Zero).AddTicks(1234567);
        var guid = Guid.NewGuid();
        var entity = new TableEntity(Pk(), "row 'quoted' é")
        {
            ["Text"] = "hello \"world\" ünïcode",
            ["Empty"] = string.Empty,
            ["Flag"] = true,
            ["Small"] = int.MinValue,
            ["Big"] = long.MaxValue,
            ["Ratio"] = 0.1 + 0.2,
            ["Whole"] = 2.0,
            ["Nan"] = double.NaN,
            ["Inf"] = double.NegativeInfinity,
            ["When"] = when,
            ["Id"] = guid,
            ["Bytes"] = new byte[] { 0, 1, 2, 250, 255 },
        };

        string? etag = await Table.AddEntityAsync(entity);
        TableEntity? read = await Table.GetEntityAsync(entity.PartitionKey, entity.RowKey);

        Assert.NotNull(etag);
        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("hello \"world\" ünïcode", read["Text"]);
        Assert.Equal(string.Empty, read["Empty"]);
        Assert.Equal(true, read["Flag"]);
        Assert.Equal(int.MinValue, read["Small"]);
        Assert.Equal(long.MaxValue, read["Big"]);
        Assert.Equal(0.1 + 0.2, read["Ratio"]);
        Assert.Equal(2.0, read["Whole"]);
        Assert.True(double.IsNaN((double)read["Nan"]!));
        Assert.Equal(double.NegativeInfinity, read["Inf"]);
        Assert.Equal(when, read["When"]);
        Assert.Equal(guid, read["Id"]);
        Assert.Equal(new byte[] { 0, 1, 2, 250, 255 }, read["Bytes"]);
    }

    [Fact]
    public async Task AddEntity_Existing_Throws409()
    {
        var entity = new TableEntity(Pk(), "r") { ["A"] = 1 };
        await Table.AddEntityAsync(entity);

        var ex = await Assert.ThrowsAsync<TableRequestFailedException>(() => Table.AddEntityAsync(entity));

        Assert.Equal(409, ex.Status);
        Assert.Equal("EntityAlreadyExists", ex.ErrorCode);
    }

    [Fact]
    public async Task GetEntity_Missing_ReturnsNull()
    {
        Assert.Null(await Table.GetEntityAsync(Pk(), "nope"));
    }

    [Fact]
    public async Task GetEntity_Select_ReturnsOnlyThoseProperties()
    {
        var entity = new TableEntity(Pk(), "r") { ["A"] = 1, ["B"] = "two" };
        await Table.AddEntityAsync(entity);

        TableEntity? read = await Table.GetEntityAsync(entity.PartitionKey, "r", ["B"]);

        Assert.Equal("two", read!["B"]);
        Assert.False(read.Properties.ContainsKey("A"));
    }

    [Fact]
    public async Task UpsertMerge_KeepsOtherProperties_UpsertReplace_RemovesThem()
    {
        string pk = Pk();
        await Table.UpsertMergeAsync(new TableEntity(pk, "r") { ["A"] = 1, ["B"] = 2 });
        await Table.UpsertMergeAsync(new TableEntity(pk, "r") { ["B"] = 3 });
        TableEntity merged = (await Table.GetEntityAsync(pk, "r"))!;

        await Table.UpsertReplaceAsync(new TableEntity(pk, "r") { ["C"] = 4 });
        TableEntity replaced = (await Table.GetEntityAsync(pk, "r"))!;

        Assert.Equal(1, merged["A"]);
        Assert.Equal(3, merged["B"]);
        Assert.Equal(4, replaced["C"]);
        Assert.False(replaced.Properties.ContainsKey("A"));
    }

    [Fact]
    public async Task UpdateReplace_StaleETag_ThrowsConcurrencyException()
    {
        string pk = Pk();
        string? first = await Table.AddEntityAsync(new TableEntity(pk, "r") { ["V"] = 1 });
        string? second = await Table.UpdateReplaceAsync(new TableEntity(pk, "r") { ["V"] = 2 }, first!);

        var ex = await Assert.ThrowsAsync<TableConcurrencyException>(
            () => Table.UpdateMergeAsync(new TableEntity(pk, "r") { ["V"] = 3 }, first!));

        Assert.NotEqual(first, second);
        Assert.Equal(412, ex.Status);
        Assert.Equal(2, (await Table.GetEntityAsync(pk, "r"))!["V"]);
    }

    [Fact]
    public async Task UpdateMerge_Missing_Throws404()
    {
        var ex = await Assert.ThrowsAsync<TableRequestFailedException>(
            () => Table.UpdateMergeAsync(new TableEntity(Pk(), "r") { ["V"] = 1 }, "*"));
        Assert.Equal(404, ex.Status);
    }

    [Fact]
    public async Task DeleteEntity_ETagConditions_AreHonoured()
    {
        string pk = Pk();
        string? etag = await Table.AddEntityAsync(new TableEntity(pk, "r") { ["V"] = 1 });
        await Table.UpsertMergeAsync(new TableEntity(pk, "r") { ["V"] = 2 });

        await Assert.ThrowsAsync<TableConcurrencyException>(() => Table.DeleteEntityAsync(pk, "r", etag!));
        Assert.True(await Table.DeleteEntityAsync(pk, "r"));
        Assert.False(await Table.DeleteEntityAsync(pk, "r"));
        Assert.Null(await Table.GetEntityAsync(pk, "r"));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("tab\there")]
    public async Task Keys_WithForbiddenCharacters_AreRejectedBeforeAnyRequest(string key)
    {
        var counting = new CountingTransportOptions();
        TableClient table = new TableServiceClient(Azurite.ConnectionString, counting.Options).GetTableClient(Table.Name);

        await Assert.ThrowsAsync<ArgumentException>(() => table.AddEntityAsync(new TableEntity(key, "r")));
        await Assert.ThrowsAsync<ArgumentException>(() => table.GetEntityAsync("p", key));
        await Assert.ThrowsAsync<ArgumentException>(() => table.DeleteEntityAsync(key, "r"));
        await Assert.ThrowsAsync<ArgumentException>(() => table.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", key))]));

        Assert.Equal(0, counting.Requests);
    }

    [Fact]
    public async Task Query_MoreThan1000Entities_FollowsContinuationTokens()
    {
        string pk = Pk();
        const int count = 1234;
        for (int start = 0; start < count; start += 100)
        {
            var actions = Enumerable.Range(start, Math.Min(100, count - start))
                .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, i.ToString("D5")) { ["N"] = i }))
                .ToList();
            await Table.SubmitTransactionAsync(actions);
        }

        TablePage first = await Table.QueryPageAsync(TableFilter.Partition(pk));
        var all = new List<TableEntity>();
        await foreach (TableEntity e in Table.QueryAsync(TableFilter.Partition(pk), ["N"]))
        {
            all.Add(e);
        }

        Assert.Equal(1000, first.Items.Count);
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal(count, all.Count);
        Assert.Equal(Enumerable.Range(0, count), all.Select(e => (int)e["N"]!));
    }

    [Fact]
    public async Task QueryPage_FilterSelectTop_AreApplied()
    {
        string pk = Pk();
        await Table.SubmitTransactionAsync([.. Enumerable.Range(0, 10).Select(i =>
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, $"r{i}") { ["N"] = i, ["Even"] = i % 2 == 0, ["Other"] = "x" }))]);

        TablePage page = await Table.QueryPageAsync(
            TableFilter.And(TableFilter.Partition(pk), TableFilter.Equal("Even", true)), ["N"], top: 3);
        TablePage next = await Table.QueryPageAsync(
            TableFilter.And(TableFilter.Partition(pk), TableFilter.Equal("Even", true)), ["N"], top: 3, page.ContinuationToken);

        Assert.Equal([0, 2, 4], page.Items.Select(e => (int)e["N"]!));
        Assert.All(page.Items, e => Assert.False(e.Properties.ContainsKey("Other")));
        Assert.Equal([6, 8], next.Items.Select(e => (int)e["N"]!));
        Assert.Null(next.ContinuationToken);
    }

    [Fact]
    public async Task QueryPage_PrefixRange_MatchesOnlyThePrefix()
    {
        string pk = Pk();
        await Table.SubmitTransactionAsync([.. new[] { "model~a", "model~b", "modelx", "tool~a" }.Select(rk =>
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, rk)))]);

        TablePage page = await Table.QueryPageAsync(TableFilter.RowKeyPrefix(pk, "model~"));

        Assert.Equal(["model~a", "model~b"], page.Items.Select(e => e.RowKey));
    }

    [Fact]
    public async Task SubmitTransaction_AllOperationKinds_Apply()
    {
        string pk = Pk();
        string? etag = await Table.AddEntityAsync(new TableEntity(pk, "update") { ["V"] = 1 });
        await Table.AddEntityAsync(new TableEntity(pk, "delete"));
        await Table.AddEntityAsync(new TableEntity(pk, "merge") { ["Keep"] = "yes" });

        IReadOnlyList<string?> etags = await Table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity(pk, "add") { ["V"] = 1 }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "replace") { ["V"] = 2 }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity(pk, "merge") { ["V"] = 3 }),
            new(TableTransactionActionType.UpdateReplace, new TableEntity(pk, "update") { ["V"] = 4 }, etag),
            new(TableTransactionActionType.Delete, new TableEntity(pk, "delete")),
        ]);

        var rows = new Dictionary<string, TableEntity>();
        await foreach (TableEntity e in Table.QueryAsync(TableFilter.Partition(pk)))
        {
            rows[e.RowKey] = e;
        }

        Assert.Equal(5, etags.Count);
        Assert.NotNull(etags[0]);
        Assert.Equal(["add", "merge", "replace", "update"], rows.Keys.Order());
        Assert.Equal("yes", rows["merge"]["Keep"]);
        Assert.Equal(3, rows["merge"]["V"]);
        Assert.Equal(4, rows["update"]["V"]);
    }

    [Fact]
    public async Task SubmitTransaction_OneFailingOperation_RollsBackTheOthers()
    {
        string pk = Pk();
        await Table.AddEntityAsync(new TableEntity(pk, "exists") { ["V"] = 1 });

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => Table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity(pk, "new1")),
            new(TableTransactionActionType.UpsertMerge, new TableEntity(pk, "merged") { ["V"] = 2 }),
            new(TableTransactionActionType.Add, new TableEntity(pk, "exists")),
            new(TableTransactionActionType.Add, new TableEntity(pk, "new2")),
        ]));

        Assert.Equal(409, ex.Status);
        Assert.Equal(2, ex.FailedIndex);
        Assert.Null(await Table.GetEntityAsync(pk, "new1"));
        Assert.Null(await Table.GetEntityAsync(pk, "new2"));
        Assert.Null(await Table.GetEntityAsync(pk, "merged"));
        Assert.Equal(1, (await Table.GetEntityAsync(pk, "exists"))!["V"]);
    }

    [Fact]
    public async Task SubmitTransaction_MoreThan100OrMixedPartitions_IsRejected()
    {
        string pk = Pk();
        await Assert.ThrowsAsync<ArgumentException>(() => Table.SubmitTransactionAsync(
            [.. Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, $"r{i}")))]));
        await Assert.ThrowsAsync<ArgumentException>(() => Table.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity(pk, "a")),
            new(TableTransactionActionType.Add, new TableEntity(pk + "x", "b")),
        ]));
    }

    [Fact]
    public async Task SubmitTransaction_Exactly100_Succeeds()
    {
        string pk = Pk();
        IReadOnlyList<string?> etags = await Table.SubmitTransactionAsync(
            [.. Enumerable.Range(0, 100).Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, $"r{i:D3}") { ["N"] = i }))]);

        Assert.Equal(100, etags.Count);
        Assert.Equal(100, (await Table.QueryPageAsync(TableFilter.Partition(pk))).Items.Count);
    }

    [Fact]
    public async Task QueryPage_ForgedContinuationToken_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Table.QueryPageAsync(TableFilter.Partition("p"), continuationToken: "!!not-a-token!!"));
    }
}
