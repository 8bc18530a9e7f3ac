using System.Net;

namespace ServerlessDiscovery.Plugins.Egress;

/// <summary>
/// Turns a host name into addresses for the address policy. A seam, not an extension point: the host uses
/// <see cref="DnsHostResolver"/>; tests substitute a resolver that answers differently at validation and at connect
/// time, which is how a DNS rebinding attack looks and which real DNS cannot be made to do on demand.
/// </summary>
public interface IHostResolver
{
    /// <summary>The addresses <paramref name="host"/> resolves to now (none, or a SocketException, when it does not).</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default);
}

/// <summary>The system resolver (System.Net.Dns).</summary>
public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
