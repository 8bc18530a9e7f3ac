using System.Net;
using Azure;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace ServerlessDiscovery.Storage.Tests;

/// <summary>
/// <see cref="TableStore.CreateClientOptions"/> retries what is transient (408, 429, 5xx, a dropped connection) and nothing
/// else (409, 412 go straight to the caller's conflict path). Faults come from a handler in front of the real Azurite.
/// </summary>
public sealed class RetryTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Write_TransientStatusTwice_IsRetriedAndSucceeds(HttpStatusCode status)
    {
        var faults = new FaultInjectingHandler(failures: 2, status);
        TableClient table = await CreateTableAsync(faults);
        string pk = Guid.NewGuid().ToString("N");

        await table.UpsertEntityAsync(new TableEntity(pk, "r") { ["V"] = 7 }, TableUpdateMode.Replace);

        Assert.Equal(3, faults.Attempts);
        Assert.Equal(7, (await fixture.Table.GetEntityAsync<TableEntity>(pk, "r")).Value.GetInt32("V"));
    }

    [Fact]
    public async Task Transaction_DroppedConnection_IsRetried()
    {
        var faults = new FaultInjectingHandler(failures: 1, status: null);
        TableClient table = await CreateTableAsync(faults);
        string pk = Guid.NewGuid().ToString("N");

        await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(pk, "r"))]);

        Assert.Equal(2, faults.Attempts);
        Assert.True((await fixture.Table.GetEntityIfExistsAsync<TableEntity>(pk, "r")).HasValue);
    }

    [Fact]
    public async Task Write_PersistentFailure_SurfacesTheStatusAfterTheLastRetry()
    {
        var faults = new FaultInjectingHandler(failures: int.MaxValue, HttpStatusCode.ServiceUnavailable);
        TableClient table = await CreateTableAsync(faults, maxRetries: 2);

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r")));

        Assert.Equal(503, ex.Status);
        Assert.Equal(3, faults.Attempts);
    }

    [Fact]
    public async Task ConflictAndStaleETag_AreNotRetried()
    {
        var faults = new FaultInjectingHandler(failures: 0, status: null);
        TableClient table = await CreateTableAsync(faults);
        string pk = Guid.NewGuid().ToString("N");
        Response added = await table.AddEntityAsync(new TableEntity(pk, "r"));
        await table.UpsertEntityAsync(new TableEntity(pk, "r") { ["V"] = 1 }, TableUpdateMode.Merge);
        int before = faults.Attempts;

        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity(pk, "r")));
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() =>
            table.UpdateEntityAsync(new TableEntity(pk, "r"), added.Headers.ETag!.Value, TableUpdateMode.Replace));

        Assert.Equal((409, 412), (conflict.Status, stale.Status));
        Assert.Equal(before + 2, faults.Attempts);
    }

    /// <summary>The fixture's (existing) table through a store whose transport injects the faults.</summary>
    private Task<TableClient> CreateTableAsync(FaultInjectingHandler faults, int? maxRetries = null)
    {
        TableClientOptions options = TableStore.CreateClientOptions();
        options.Transport = new HttpClientTransport(faults);
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxRetries = maxRetries ?? options.Retry.MaxRetries;
        return Task.FromResult(fixture.CreateStore(options).Service.GetTableClient(fixture.Table.Name));
    }

    /// <summary>Answers the first N attempts itself (a status, or a dropped connection), then forwards to Azurite.</summary>
    private sealed class FaultInjectingHandler(int failures, HttpStatusCode? status) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int attempt = Interlocked.Increment(ref _attempts);
            if (attempt <= failures)
            {
                return status is { } s
                    ? Task.FromResult(new HttpResponseMessage(s) { Content = new StringContent(string.Empty) })
                    : Task.FromException<HttpResponseMessage>(new HttpRequestException("connection reset (injected)", new IOException("injected")));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
