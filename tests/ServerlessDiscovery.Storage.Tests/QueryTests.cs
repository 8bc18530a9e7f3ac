using Azure.Data.Tables;

namespace ServerlessDiscovery.Storage.Tests;

/// <summary>Queries past the service's page size, the API's opaque continuation tokens and filters with awkward values.</summary>
public sealed class QueryTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private TableClient Table => fixture.Table;

    [Fact]
    public async Task Query_MoreThan1000Entities_FollowsContinuationAndPagesRoundTripTheirTokens()
    {
        string pk = Guid.NewGuid().ToString("N");
        for (int batch = 0; batch < 12; batch++)
        {
            await Table.SubmitTransactionAsync(Enumerable.Range(batch * 100, 100)
                .Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, $"r{i:D5}"))));
        }

        int all = 0;
        await foreach (TableEntity _ in Table.QueryAsync<TableEntity>(TableQueries.Partition(pk)))
        {
            all++;
        }

        var keys = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            TablePage<TableEntity> page = await Table.QueryPageAsync<TableEntity>(TableQueries.Partition(pk), TableQueries.MaxPageSize, token);
            keys.AddRange(page.Items.Select(e => e.RowKey));
            token = page.ContinuationToken;
            Assert.True(token is null || Uri.EscapeDataString(token) == token, "the token must travel in a query string as it is");
            pages++;
        }
        while (token is not null);

        Assert.Equal(1200, all);
        Assert.Equal(2, pages);
        Assert.Equal(Enumerable.Range(0, 1200).Select(i => $"r{i:D5}"), keys);
    }

    [Fact]
    public async Task QueryPage_SmallPages_ResumeWhereTheTokenLeftOff()
    {
        string pk = Guid.NewGuid().ToString("N");
        await Table.SubmitTransactionAsync(Enumerable.Range(0, 5)
            .Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, $"r{i}"))));

        TablePage<TableEntity> first = await Table.QueryPageAsync<TableEntity>(TableQueries.Partition(pk), 2);
        TablePage<TableEntity> second = await Table.QueryPageAsync<TableEntity>(TableQueries.Partition(pk), 2, first.ContinuationToken);
        TablePage<TableEntity> third = await Table.QueryPageAsync<TableEntity>(TableQueries.Partition(pk), 2, second.ContinuationToken);

        Assert.Equal(["r0", "r1"], first.Items.Select(e => e.RowKey));
        Assert.Equal(["r2", "r3"], second.Items.Select(e => e.RowKey));
        Assert.Equal(["r4"], third.Items.Select(e => e.RowKey));
        Assert.Null(third.ContinuationToken);
    }

    [Theory]
    [InlineData("!!not-a-token!!")]
    [InlineData("bm90IG91cnM")]
    public async Task QueryPage_ForgedContinuationToken_IsRejected(string token)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Table.QueryPageAsync<TableEntity>(TableQueries.Partition("p"), 10, token));
    }

    [Fact]
    public async Task Filters_QuoteValues_AndPrefixRangeMatchesOnlyThePrefix()
    {
        string pk = "o'brien " + Guid.NewGuid().ToString("N");
        await Table.SubmitTransactionAsync(
            new[] { "model~a", "model~b", "modelx~c", "mode~d", "!outbox~1" }
                .Select(rk => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, rk) { ["Name"] = rk == "model~a" ? "it's" : "other" })));

        List<string> prefixed = await RowKeysAsync(TableQueries.RowKeyPrefix(pk, "model~"));
        List<string> named = await RowKeysAsync(TableQueries.And(TableQueries.Partition(pk), TableQueries.Equal("Name", "it's")));
        List<string> assets = await RowKeysAsync(TableQueries.RowKeyFrom(pk, "a"));

        Assert.Equal(["model~a", "model~b"], prefixed);
        Assert.Equal(["model~a"], named);
        Assert.Equal(["modelx~c", "model~a", "model~b", "mode~d"], assets); // ordinal: '~' sorts after letters
    }

    private async Task<List<string>> RowKeysAsync(string filter)
    {
        var keys = new List<string>();
        await foreach (TableEntity e in Table.QueryAsync<TableEntity>(filter))
        {
            keys.Add(e.RowKey);
        }

        return keys;
    }
}
