using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerlessDiscovery.Plugins.Egress.Tests;

/// <summary>
/// The connect callback against a real HTTP listener on loopback. DNS rebinding (a name that resolves to a public
/// address when the URL is validated and to an internal one when the connection is made) cannot be staged with the
/// system resolver, so these tests use the policy's resolver seam with a resolver that switches its answer.
/// </summary>
public sealed class ConnectTimeTests : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _accepted;

    public ConnectTimeTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    [Fact]
    public async Task Connect_NameRebindsToLoopbackAfterValidation_RefusedAndNothingConnects()
    {
        var resolver = new SwitchingResolver(IPAddress.Parse("93.184.215.14"));
        var policy = new AddressPolicy(EgressAllowList.Empty, resolver);
        var url = new Uri($"http://rebind.example.com:{Port}/v1/models");
        Assert.Null(await policy.CheckUrlAsync(url));

        resolver.Answer = IPAddress.Loopback;
        using var client = new HttpClient(policy.CreateHandler());
        HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.Contains("egress address policy", refused.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", refused.Message, StringComparison.Ordinal);
        Assert.False(_listener.Pending());
        Assert.Equal(0, _accepted);
    }

    [Fact]
    public async Task Connect_RebindingNameAllowListed_ConnectsToTheCheckedAddress()
    {
        // The control for the test above: the same switch reaches the listener once loopback is allow-listed.
        Assert.True(EgressAllowList.TryParse("127.0.0.0/8", out EgressAllowList list, out _));
        var resolver = new SwitchingResolver(IPAddress.Parse("93.184.215.14"));
        var policy = new AddressPolicy(list, resolver);
        Task serving = ServeOneAsync();
        resolver.Answer = IPAddress.Loopback;
        using var client = new HttpClient(policy.CreateHandler());

        using HttpResponseMessage response = await client.GetAsync(new Uri($"http://rebind.example.com:{Port}/"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await serving;
        Assert.Equal(1, _accepted);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("[::ffff:127.0.0.1]")]
    public async Task Connect_LiteralLoopbackNotAllowListed_Refused(string host)
    {
        var policy = new AddressPolicy(EgressAllowList.Empty, new SwitchingResolver(IPAddress.Loopback));
        using var client = new HttpClient(policy.CreateHandler());
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri($"http://{host}:{Port}/")));
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task Connect_RedirectToForbiddenAddress_Refused()
    {
        // The first hop is allow-listed by name; the redirect goes to a metadata address, checked on its own connection.
        Assert.True(EgressAllowList.TryParse("redirector.test", out EgressAllowList list, out _));
        var policy = new AddressPolicy(list, new SwitchingResolver(IPAddress.Loopback));
        Task serving = ServeOneAsync("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        SocketsHttpHandler handler = policy.CreateHandler();
        handler.AllowAutoRedirect = true;
        using var client = new HttpClient(handler);

        HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri($"http://redirector.test:{Port}/")));

        await serving;
        Assert.Contains("169.254.169.254", refused.Message, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ServeOneAsync(string response = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
    {
        using TcpClient connection = await _listener.AcceptTcpClientAsync();
        Interlocked.Increment(ref _accepted);
        NetworkStream stream = connection.GetStream();
        var buffer = new byte[4096];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
    }

    private sealed class SwitchingResolver(IPAddress answer) : IHostResolver
    {
        public IPAddress Answer { get; set; } = answer;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) => Task.FromResult<IPAddress[]>([Answer]);
    }
}
