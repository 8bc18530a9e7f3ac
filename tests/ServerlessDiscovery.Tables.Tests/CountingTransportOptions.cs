using Azure.Core.Pipeline;

namespace ServerlessDiscovery.Tables.Tests;

/// <summary>Client options whose transport counts the requests that actually leave the process.</summary>
internal sealed class CountingTransportOptions
{
    private int _requests;

    public CountingTransportOptions()
    {
        Options = new TableClientOptions { Transport = new HttpClientTransport(new CountingHandler(this)) };
    }

    public TableClientOptions Options { get; }

    public int Requests => Volatile.Read(ref _requests);

    private sealed class CountingHandler(CountingTransportOptions owner) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._requests);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
