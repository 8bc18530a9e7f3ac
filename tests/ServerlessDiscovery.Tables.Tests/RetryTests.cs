using System.Net;
using Azure.Core.Pipeline;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Tables.Tests;

/// <summary>Transient failures injected by a handler in front of the real Azurite.</summary>
public sealed class RetryTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task Write_TransientStatusTwice_IsRetriedAndSucceeds(HttpStatusCode status)
    {
        var faults = new FaultInjectingHandler(failures: 2, status);
        var options = new TableClientOptions { Transport = new HttpClientTransport(faults) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        TableClient table = new TableServiceClient(Azurite.ConnectionString, options).GetTableClient(fixture.Table.Name);
        string pk = Guid.NewGuid().ToString("N");

        await table.UpsertReplaceAsync(new TableEntity(pk, "r") { ["V"] = 7 });

        Assert.Equal(3, faults.Attempts);
        Assert.Equal(7, (await fixture.Table.GetEntityAsync(pk, "r"))!["V"]);
    }

    [Fact]
    public async Task Write_NetworkFailure_IsRetried()
    {
        var faults = new FaultInjectingHandler(failures: 1, status: null);
        var options = new TableClientOptions { Transport = new HttpClientTransport(faults) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        TableClient table = new TableServiceClient(Azurite.ConnectionString, options).GetTableClient(fixture.Table.Name);
        string pk = Guid.NewGuid().ToString("N");

        await table.AddEntityAsync(new TableEntity(pk, "r"));

        Assert.Equal(2, faults.Attempts);
    }

    [Fact]
    public async Task Write_PersistentFailure_SurfacesStatusAfterRetries()
    {
        var faults = new FaultInjectingHandler(failures: int.MaxValue, HttpStatusCode.ServiceUnavailable);
        var options = new TableClientOptions { Transport = new HttpClientTransport(faults) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.Retry.MaxRetries = 2;
        TableClient table = new TableServiceClient(Azurite.ConnectionString, options).GetTableClient(fixture.Table.Name);

        var ex = await Assert.ThrowsAsync<TableRequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "r")));

        Assert.Equal(503, ex.Status);
        Assert.Equal(3, faults.Attempts);
    }

    [Fact]
    public async Task Conflict_IsNotRetried()
    {
        var faults = new FaultInjectingHandler(failures: 0, status: null);
        var options = new TableClientOptions { Transport = new HttpClientTransport(faults) };
        TableClient table = new TableServiceClient(Azurite.ConnectionString, options).GetTableClient(fixture.Table.Name);
        string pk = Guid.NewGuid().ToString("N");
        await table.AddEntityAsync(new TableEntity(pk, "r"));

        await Assert.ThrowsAsync<TableRequestFailedException>(() => table.AddEntityAsync(new TableEntity(pk, "r")));

        Assert.Equal(2, faults.Attempts);
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
