using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Plugins.Egress;

/// <summary>
/// The one address policy (DESIGN 7, "Egress") for every outbound call a tenant can aim: provider and MCP URLs of
/// plugin instances and webhook URLs. Addresses in <see cref="SpecialPurposeRanges"/> (loopback, private, link-local,
/// shared, documentation, translation and every other special-purpose range, embedded IPv4 forms judged by the IPv4
/// they carry) are refused unless Egress__AllowedNetworks names the address or the host; cloud metadata names and
/// addresses are refused always. A URL is checked when it is configured and again on every connection: the
/// <see cref="ConnectAsync"/> callback resolves the name itself, checks every address and connects only to a checked
/// one, so a name that resolves elsewhere by the time of the call (DNS rebinding) gets nowhere.
/// </summary>
public sealed class AddressPolicy
{
    private const string AllowHint = "allow it with Egress__AllowedNetworks";

    private readonly EgressAllowList _allowList;
    private readonly IHostResolver _resolver;

    public AddressPolicy(IOptions<EgressOptions> options, IHostResolver resolver)
        : this(EgressAllowList.TryParse(options.Value.AllowedNetworks, out EgressAllowList list, out _) ? list : EgressAllowList.Empty, resolver)
    {
        // An invalid setting never gets here: EgressOptionsValidator refuses the host's start.
    }

    public AddressPolicy(EgressAllowList allowList, IHostResolver? resolver = null)
    {
        _allowList = allowList;
        _resolver = resolver ?? new DnsHostResolver();
    }

    /// <summary>The most specific special-purpose range <paramref name="address"/> is in, or null for an ordinary public address.</summary>
    public static SpecialPurposeRange? Classify(IPAddress address)
    {
        IReadOnlyList<SpecialPurposeRange> table = address.AddressFamily == AddressFamily.InterNetwork ? SpecialPurposeRanges.IPv4 : SpecialPurposeRanges.IPv6;
        return table.Where(r => r.Network.Contains(address)).MaxBy(r => r.Network.PrefixLength);
    }

    /// <summary>Null when <paramref name="host"/> may be looked up at all; otherwise why not (a metadata service's name).</summary>
    public static string? CheckHostName(string host)
    {
        string name = Normalise(host);
        return SpecialPurposeRanges.MetadataHostNames.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? $"'{name}' is a cloud metadata endpoint and is never reachable."
            : null;
    }

    /// <summary>Null when <paramref name="address"/>, resolved from <paramref name="host"/>, may be connected to; otherwise why not.</summary>
    public string? Check(string host, IPAddress address)
    {
        string name = Normalise(host);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // A scope id (fe80::1%eth0) does not change which range the address is in.
            address = new IPAddress(address.GetAddressBytes());
        }

        if (SpecialPurposeRanges.Metadata.FirstOrDefault(m => m.Network.Contains(address)) is { } metadata)
        {
            return $"{Describe(name, address)} is the {metadata.Name} and is never reachable.";
        }

        foreach ((IPAddress embedded, string form) in EmbeddedIPv4(address))
        {
            if (Check(name, embedded) is { } inner)
            {
                return $"{Describe(name, address)} is {form} embedding {embedded}: {inner}";
            }
        }

        if (Classify(address) is not { Treatment: RangeTreatment.Refused } range || _allowList.AllowsName(name) || _allowList.AllowsAddress(address))
        {
            return null;
        }

        return $"{Describe(name, address)} is in {range.Network} ({range.Name}, {range.Reference}), a special-purpose range; {AllowHint}.";
    }

    /// <summary>
    /// Null when <paramref name="url"/> is an http(s) URL whose host may be reached now; otherwise why not. With
    /// <paramref name="allowUnresolved"/> a name that does not resolve yet passes (a plugin's endpoint configured
    /// before its DNS exists): it is refused or allowed when a connection is made.
    /// </summary>
    public async Task<string?> CheckUrlAsync(Uri url, bool allowUnresolved = false, CancellationToken cancellationToken = default)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return "must be an absolute http or https URL.";
        }

        (_, string? error, bool unresolved) = await ResolveCoreAsync(url.IdnHost, cancellationToken).ConfigureAwait(false);
        return unresolved && allowUnresolved ? null : error;
    }

    /// <summary>Resolves <paramref name="host"/> and returns its addresses, or why it may not be reached (any refused address refuses it).</summary>
    public async Task<(IPAddress[] Addresses, string? Error)> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        (IPAddress[] addresses, string? error, _) = await ResolveCoreAsync(host, cancellationToken).ConfigureAwait(false);
        return (addresses, error);
    }

    private async Task<(IPAddress[] Addresses, string? Error, bool Unresolved)> ResolveCoreAsync(string host, CancellationToken cancellationToken)
    {
        string name = Normalise(host);
        if (CheckHostName(name) is { } named)
        {
            return ([], named, false);
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(name, out IPAddress? literal))
        {
            addresses = [literal];
        }
        else if (IsLocalhostName(name))
        {
            // RFC 6761 6.3: localhost names are loopback and never asked of DNS, which could answer otherwise.
            addresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }
        else
        {
            try
            {
                addresses = await _resolver.ResolveAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                return ([], $"'{name}' cannot be resolved ({ex.SocketErrorCode}).", true);
            }
        }

        if (addresses.Length == 0)
        {
            return ([], $"'{name}' resolves to no address.", true);
        }

        foreach (IPAddress address in addresses)
        {
            if (Check(name, address) is { } error)
            {
                return ([], error, false);
            }
        }

        return (addresses, null, false);
    }

    /// <summary>SocketsHttpHandler.ConnectCallback: resolve, check every address, and connect to a checked address only.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        (IPAddress[] addresses, string? error) = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Refused by the egress address policy: " + error);
        }

        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException(HttpRequestError.ConnectionError, $"Could not connect to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}.", last);
    }

    /// <summary>
    /// A handler whose every connection goes through <see cref="ConnectAsync"/>. No proxy: through one, the checked
    /// connection would be to the proxy and the target would go unchecked.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };

    /// <summary>The IPv4 addresses an IPv6 address carries, with the form's name (Teredo carries two: server and client).</summary>
    public static IEnumerable<(IPAddress Address, string Form)> EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            yield break;
        }

        byte[] b = address.GetAddressBytes();
        if (address.IsIPv4MappedToIPv6)
        {
            yield return (address.MapToIPv4(), "an IPv4-mapped address");
        }
        else if (Zero(b, 0, 8) && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0)
        {
            yield return (new IPAddress(b.AsSpan(12, 4)), "a SIIT IPv4-translated address");
        }
        else if (Zero(b, 0, 12) && !Zero(b, 12, 3))
        {
            // ::/96 but not ::/128 or ::1/128, which are addresses of their own.
            yield return (new IPAddress(b.AsSpan(12, 4)), "an IPv4-compatible address");
        }
        else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && Zero(b, 4, 8))
        {
            yield return (new IPAddress(b.AsSpan(12, 4)), "a NAT64 address");
        }
        else if (b[0] == 0x20 && b[1] == 0x02)
        {
            yield return (new IPAddress(b.AsSpan(2, 4)), "a 6to4 address");
        }
        else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
        {
            yield return (new IPAddress(b.AsSpan(4, 4)), "a Teredo address (server)");
            yield return (new IPAddress([(byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15]]), "a Teredo address (client)");
        }
    }

    private static bool Zero(byte[] bytes, int start, int count) => bytes.AsSpan(start, count).IndexOfAnyExcept((byte)0) < 0;

    private static bool IsLocalhostName(string name) =>
        name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    private static string Normalise(string host) => host.Trim().Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    private static string Describe(string name, IPAddress address) =>
        IPAddress.TryParse(name, out IPAddress? literal) && literal.Equals(address) ? address.ToString() : $"'{name}' ({address})";
}
