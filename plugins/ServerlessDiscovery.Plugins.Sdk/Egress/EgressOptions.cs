using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Plugins.Egress;

/// <summary>Egress__*: where plugins (provider and MCP URLs) and webhooks may connect beyond the public internet.</summary>
public sealed class EgressOptions
{
    public const string Section = "Egress";

    /// <summary>
    /// Egress__AllowedNetworks: comma-separated CIDR ranges, IP addresses and host names that may be reached although
    /// they are loopback, private, link-local or another special-purpose address (private endpoints, local receivers,
    /// tests). Cloud metadata addresses stay refused. Empty by default, and in Azure.
    /// </summary>
    public string? AllowedNetworks { get; set; }
}

/// <summary>A parsed Egress__AllowedNetworks: host names (exact, case-insensitive) and networks.</summary>
public sealed class EgressAllowList
{
    private readonly HashSet<string> _names;
    private readonly IPNetwork[] _networks;

    private EgressAllowList(HashSet<string> names, IPNetwork[] networks)
    {
        _names = names;
        _networks = networks;
    }

    /// <summary>Allows nothing.</summary>
    public static EgressAllowList Empty { get; } = new([], []);

    public bool AllowsName(string host) => _names.Contains(host.TrimEnd('.'));

    public bool AllowsAddress(IPAddress address) => _networks.Any(n => n.Contains(address));

    /// <summary>Parses the setting; on failure <paramref name="error"/> names the entry at fault (an entry is not secret).</summary>
    public static bool TryParse(string? value, out EgressAllowList list, out string? error)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var networks = new List<IPNetwork>();
        error = null;
        list = Empty;
        foreach (string entry in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = entry.Split('/', 2);
            if (IPAddress.TryParse(parts[0].Trim('[', ']'), out IPAddress? ip))
            {
                int max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
                int prefix = max;
                if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max))
                {
                    error = $"'{entry}' has an invalid prefix length (0-{max}).";
                    return false;
                }

                // A range written with host bits set (10.1.2.3/8) means the range that contains it.
                networks.Add(new IPNetwork(Mask(ip, prefix), prefix));
            }
            else if (parts.Length == 1 && Uri.CheckHostName(entry) == UriHostNameType.Dns)
            {
                names.Add(entry.TrimEnd('.'));
            }
            else
            {
                error = $"'{entry}' is neither a host name, an IP address nor a CIDR range.";
                return false;
            }
        }

        list = new EgressAllowList(names, [.. networks]);
        return true;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}

/// <summary>Refuses the host's start with a message naming Egress__AllowedNetworks and the entry at fault.</summary>
public sealed class EgressOptionsValidator : IValidateOptions<EgressOptions>
{
    public ValidateOptionsResult Validate(string? name, EgressOptions options) =>
        EgressAllowList.TryParse(options.AllowedNetworks, out _, out string? error)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Egress__AllowedNetworks: {error}");
}
