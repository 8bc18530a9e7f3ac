using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Functions.Webhooks;

/// <summary>
/// The SSRF guard (DESIGN 5): which addresses a webhook may reach. Loopback, private, link-local, CGNAT, unspecified,
/// multicast and cloud metadata addresses are refused unless Webhooks__AllowedHosts names the host or the address;
/// metadata endpoints are refused always. Checked when subscribing and again on every connection, against the address
/// actually connected to, so a name that re-resolves to an internal address later (DNS rebinding) gets nowhere.
/// </summary>
internal sealed class AddressPolicy
{
    private static readonly string[] MetadataHosts = ["metadata.google.internal", "metadata", "metadata.azure.internal"];
    private static readonly IPAddress[] MetadataAddresses =
        [IPAddress.Parse("169.254.169.254"), IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("100.100.100.200")];

    private static readonly (IPAddress Network, int Prefix)[] Forbidden =
    [
        (IPAddress.Parse("0.0.0.0"), 8),
        (IPAddress.Parse("10.0.0.0"), 8),
        (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8),
        (IPAddress.Parse("169.254.0.0"), 16),
        (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.168.0.0"), 16),
        (IPAddress.Parse("224.0.0.0"), 4),
        (IPAddress.Parse("240.0.0.0"), 4),
        (IPAddress.Parse("::"), 128),
        (IPAddress.Parse("::1"), 128),
        (IPAddress.Parse("fc00::"), 7),
        (IPAddress.Parse("fe80::"), 10),
        (IPAddress.Parse("ff00::"), 8),
    ];

    private readonly HashSet<string> _allowedNames;
    private readonly (IPAddress Network, int Prefix)[] _allowedRanges;

    public AddressPolicy(IOptions<WebhooksOptions> options)
    {
        // Validated at start-up (WebhooksOptionsValidator); an invalid list never gets this far.
        AllowList list = TryParseAllowList(options.Value.AllowedHosts, out AllowList parsed, out _) ? parsed : new AllowList([], []);
        _allowedNames = list.Names;
        _allowedRanges = list.Ranges;
    }

    /// <summary>Null when <paramref name="host"/> may be targeted at all (before resolution); otherwise why not.</summary>
    public static string? CheckHostName(string host) =>
        MetadataHosts.Contains(host.TrimEnd('.'), StringComparer.OrdinalIgnoreCase) ? $"'{host}' is a cloud metadata endpoint." : null;

    /// <summary>Null when <paramref name="address"/>, resolved from <paramref name="host"/>, may be connected to; otherwise why not.</summary>
    public string? Check(string host, IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (MetadataAddresses.Any(m => m.Equals(address)))
        {
            return $"{address} is a cloud metadata address.";
        }

        if (!Forbidden.Any(f => InRange(address, f.Network, f.Prefix)))
        {
            return null;
        }

        if (_allowedNames.Contains(host.TrimEnd('.')) || _allowedRanges.Any(r => InRange(address, r.Network, r.Prefix)))
        {
            return null;
        }

        return $"'{host}' resolves to {address}, a loopback, private, link-local or otherwise internal address (allow it with Webhooks__AllowedHosts).";
    }

    /// <summary>Resolves <paramref name="host"/> and returns its addresses, or why it may not be targeted (any forbidden address refuses it).</summary>
    public async Task<(IPAddress[] Addresses, string? Error)> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        if (CheckHostName(host) is { } named)
        {
            return ([], named);
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException ex)
            {
                return ([], $"'{host}' cannot be resolved ({ex.SocketErrorCode}).");
            }
        }

        if (addresses.Length == 0)
        {
            return ([], $"'{host}' resolves to no address.");
        }

        foreach (IPAddress address in addresses)
        {
            if (Check(host, address) is { } error)
            {
                return ([], error);
            }
        }

        return (addresses, null);
    }

    /// <summary>SocketsHttpHandler.ConnectCallback: resolve, check, and connect to the checked address only.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        (IPAddress[] addresses, string? error) = await ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        if (error is not null)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Refused by the webhook address policy: " + error);
        }

        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
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

    internal sealed record AllowList(HashSet<string> Names, (IPAddress Network, int Prefix)[] Ranges);

    internal static bool TryParseAllowList(string? value, out AllowList list, out string? error)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var ranges = new List<(IPAddress, int)>();
        error = null;
        foreach (string entry in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = entry.Split('/', 2);
            if (IPAddress.TryParse(parts[0].Trim('[', ']'), out IPAddress? ip))
            {
                int max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
                int prefix = max;
                if (parts.Length == 2 && (!int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix < 0 || prefix > max))
                {
                    error = $"'{entry}' has an invalid prefix length.";
                    break;
                }

                ranges.Add((ip, prefix));
            }
            else if (parts.Length == 1 && Uri.CheckHostName(entry) == UriHostNameType.Dns)
            {
                names.Add(entry.TrimEnd('.'));
            }
            else
            {
                error = $"'{entry}' is neither a host name, an IP address nor a CIDR range.";
                break;
            }
        }

        list = new AllowList(names, [.. ranges]);
        return error is null;
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        byte[] a = address.GetAddressBytes();
        byte[] n = network.GetAddressBytes();
        int full = prefix / 8;
        for (int i = 0; i < full; i++)
        {
            if (a[i] != n[i])
            {
                return false;
            }
        }

        int rest = prefix % 8;
        return rest == 0 || (a[full] & (byte)(0xFF << (8 - rest))) == (n[full] & (byte)(0xFF << (8 - rest)));
    }
}
