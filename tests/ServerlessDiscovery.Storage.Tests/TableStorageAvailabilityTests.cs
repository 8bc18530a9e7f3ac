using System.Net;
using System.Net.Sockets;
using Azure;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Storage.Tests;

/// <summary>
/// What counts as a Table Storage outage (answered 503 with Retry-After above this layer) and the readiness probe's
/// answers: against the real Azurite, a loopback server answering as the Table service does when it refuses a request
/// (403 with an x-ms-error-code header, "Table service error codes" in the Azure Storage REST reference), and a closed port.
/// </summary>
public sealed class TableStorageAvailabilityTests
{
    private static readonly TableStorageAvailability Classifier = new(StoreAt(Azurite.ConnectionString));

    [Theory]
    [InlineData(0)]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public void IsOutage_TransientStatus_IsAnOutage(int status) =>
        Assert.True(Classifier.IsOutage(new RequestFailedException(status, "transient")));

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(412)]
    public void IsOutage_RefusedOnItsMerits_IsNotAnOutage(int status) =>
        Assert.False(Classifier.IsOutage(new RequestFailedException(status, "refused")));

    [Fact]
    public void IsOutage_ConnectionFailuresAndWrapped_AreOutages_OtherFailuresAreNot()
    {
        Assert.True(Classifier.IsOutage(new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(Classifier.IsOutage(new AggregateException(new RequestFailedException(0, "a"), new TimeoutException())));
        Assert.True(Classifier.IsOutage(new InvalidOperationException("wrapper", new IOException("reset"))));
        Assert.False(Classifier.IsOutage(new AggregateException(new RequestFailedException(0, "a"), new RequestFailedException(409, "b"))));
        Assert.False(Classifier.IsOutage(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void IsOutage_Cancellation_IsAnOutageUnlessTheCallerAskedForIt()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();

        Assert.True(Classifier.IsOutage(new OperationCanceledException(), CancellationToken.None));
        Assert.False(Classifier.IsOutage(new OperationCanceledException(), aborted.Token));
    }

    [Fact]
    public async Task ProbeAsync_Azurite_IsReady()
    {
        Assert.Null(await new TableStorageAvailability(StoreAt(Azurite.ConnectionString)).ProbeAsync());
    }

    [Fact]
    public async Task ProbeAsync_ServiceRefuses_SaysStatusAndCode_WithoutTheKey()
    {
        int port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        Task serving = RefuseOnceAsync(listener);

        string? down = await new TableStorageAvailability(StoreAt(ConnectionTo(port))).ProbeAsync();
        await serving;

        Assert.Equal($"Table Storage at http://127.0.0.1:{port} refused the request (403 AuthorizationFailure).", down);
    }

    [Fact]
    public async Task ProbeAsync_NothingListens_SaysUnreachable_WithoutTheKey()
    {
        int port = FreePort.Next();

        string? down = await new TableStorageAvailability(StoreAt(ConnectionTo(port))).ProbeAsync();

        Assert.NotNull(down);
        Assert.StartsWith($"Table Storage at http://127.0.0.1:{port} is unreachable: ", down, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", down, StringComparison.Ordinal);
    }

    private static string ConnectionTo(int port) => Azurite.ConnectionString.Split(';')
        .Where(p => p.Length > 0 && !p.StartsWith("TableEndpoint=", StringComparison.Ordinal))
        .Append($"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1")
        .Aggregate((a, b) => a + ";" + b);

    private static TableStore StoreAt(string connectionString) =>
        new(Options.Create(new StorageOptions { ConnectionString = connectionString, TablePrefix = Azurite.UniqueName("a") }));

    private static async Task RefuseOnceAsync(HttpListener listener)
    {
        HttpListenerContext context = await listener.GetContextAsync();
        context.Response.StatusCode = 403;
        context.Response.ContentType = "application/json;odata=minimalmetadata";
        context.Response.Headers["x-ms-error-code"] = "AuthorizationFailure";
        byte[] body = """{"odata.error":{"code":"AuthorizationFailure","message":{"lang":"en-US","value":"This request is not authorized to perform this operation."}}}"""u8.ToArray();
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }
}
