using Azure;
using Azure.Data.Tables;

namespace ServerlessDiscovery.Storage.Tests;

/// <summary>What the app relies on from Table Storage through <see cref="TableStore"/>, against the real Azurite.</summary>
public sealed class TableStoreTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private TableClient Table => fixture.Table;

    private static string Pk() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AddEntity_EveryStoredEdmType_RoundTripsExactly()
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
            ["When"] = when,
            ["Id"] = guid,
            ["Bytes"] = new byte[] { 0, 1, 2, 250, 255 },
        };

        Response added = await Table.AddEntityAsync(entity);
        TableEntity read = (await Table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey)).Value;

        Assert.Equal(added.Headers.ETag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("hello \"world\" ünïcode", read.GetString("Text"));
        Assert.Equal(string.Empty, read.GetString("Empty"));
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(int.MinValue, read.GetInt32("Small"));
        Assert.Equal(long.MaxValue, read.GetInt64("Big"));
        Assert.Equal(0.1 + 0.2, read.GetDouble("Ratio"));
        Assert.Equal(when, read.GetDateTimeOffset("When"));
        Assert.Equal(guid, read.GetGuid("Id"));
        Assert.Equal(new byte[] { 0, 1, 2, 250, 255 }, read.GetBinary("Bytes"));
    }

    [Fact]
    public async Task LargeValues_SplitAcrossProperties_RoundTrip()
    {
        string text = string.Concat(Enumerable.Range(0, (LargeText.ChunkChars * 2) + 1234).Select(i => "aé€z"[i % 4]));
        byte[] body = [.. Enumerable.Range(0, (LargeBinary.ChunkBytes * 3) + 17).Select(i => (byte)i)];
        var entity = new TableEntity(Pk(), "large");
        LargeText.Write(entity, "Text", text);
        LargeBinary.Write(entity, "Body", body);

        await Table.AddEntityAsync(entity);
        TableEntity read = (await Table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey)).Value;

        Assert.True(text.Length > LargeText.ChunkChars * 2);
        Assert.Equal(text, LargeText.Read(read, "Text"));
        Assert.Equal(body, LargeBinary.Read(read, "Body"));
    }

    [Fact]
    public async Task GetEntityIfExists_Missing_HasNoValue_AndDeleteOfMissingAnswers404()
    {
        NullableResponse<TableEntity> missing = await Table.GetEntityIfExistsAsync<TableEntity>(Pk(), "none");
        Response deleted = await Table.DeleteEntityAsync(Pk(), "none", ETag.All);

        Assert.False(missing.HasValue);
        Assert.Equal(404, deleted.Status);
    }

    [Fact]
    public async Task AddEntity_Existing_Throws409()
    {
        var entity = new TableEntity(Pk(), "r");
        await Table.AddEntityAsync(entity);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => Table.AddEntityAsync(new TableEntity(entity.PartitionKey, "r")));

        Assert.Equal(409, ex.Status);
    }

    [Fact]
    public async Task UpdateEntity_StaleETag_Throws412_AndCurrentETagWins()
    {
        string pk = Pk();
        Response first = await Table.AddEntityAsync(new TableEntity(pk, "lease") { ["Owner"] = "a" });
        ETag stale = first.Headers.ETag!.Value;
        Response second = await Table.UpdateEntityAsync(new TableEntity(pk, "lease") { ["Owner"] = "b" }, stale, TableUpdateMode.Replace);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() =>
            Table.UpdateEntityAsync(new TableEntity(pk, "lease") { ["Owner"] = "c" }, stale, TableUpdateMode.Merge));
        await Table.UpdateEntityAsync(new TableEntity(pk, "lease") { ["Owner"] = "d" }, second.Headers.ETag!.Value, TableUpdateMode.Merge);

        Assert.Equal(412, ex.Status);
        Assert.Equal("d", (await Table.GetEntityAsync<TableEntity>(pk, "lease")).Value.GetString("Owner"));
    }

    [Fact]
    public async Task DeleteEntity_StaleETag_Throws412()
    {
        string pk = Pk();
        Response added = await Table.AddEntityAsync(new TableEntity(pk, "r"));
        await Table.UpsertEntityAsync(new TableEntity(pk, "r") { ["V"] = 2 }, TableUpdateMode.Merge);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => Table.DeleteEntityAsync(pk, "r", added.Headers.ETag!.Value));

        Assert.Equal(412, ex.Status);
    }

    [Fact]
    public async Task UpsertMerge_KeepsOtherProperties_UpsertReplace_RemovesThem()
    {
        string pk = Pk();
        await Table.AddEntityAsync(new TableEntity(pk, "r") { ["A"] = 1, ["B"] = 2 });

        await Table.UpsertEntityAsync(new TableEntity(pk, "r") { ["A"] = 10 }, TableUpdateMode.Merge);
        TableEntity merged = (await Table.GetEntityAsync<TableEntity>(pk, "r")).Value;
        await Table.UpsertEntityAsync(new TableEntity(pk, "r") { ["A"] = 20 }, TableUpdateMode.Replace);
        TableEntity replaced = (await Table.GetEntityAsync<TableEntity>(pk, "r")).Value;

        Assert.Equal((10, 2), (merged.GetInt32("A"), merged.GetInt32("B")));
        Assert.Equal(20, replaced.GetInt32("A"));
        Assert.False(replaced.ContainsKey("B"));
    }
}
