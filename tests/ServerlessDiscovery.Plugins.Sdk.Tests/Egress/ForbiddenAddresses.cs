namespace ServerlessDiscovery.Plugins.Egress.Tests;

/// <summary>
/// The forbidden address forms, written out independently of the policy's own table so that a range missing from it
/// fails these tests. Follows the IANA IPv4 and IPv6 Special-Purpose Address Registries
/// (https://www.iana.org/assignments/iana-ipv4-special-registry, .../iana-ipv6-special-registry), RFC 5771
/// (multicast), RFC 3879 (site-local), RFC 4291 2.5.5.1 (IPv4-compatible), RFC 2765 (SIIT), and the cloud providers'
/// documented metadata and WireServer addresses. Also linked into the Functions tests, which send the same forms
/// through the API as webhook and plugin URLs.
/// </summary>
public static class ForbiddenAddresses
{
    /// <summary>Every registry entry (and the extra ranges above) as a CIDR; its first and last address must be refused.</summary>
    public static readonly string[] Ranges =
    [
        // IPv4 Special-Purpose Address Registry
        "0.0.0.0/8", "0.0.0.0/32", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/32", "192.0.0.171/32",
        "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.88.99.2/32", "192.168.0.0/16",
        "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
        // IPv4 multicast
        "224.0.0.0/4",
        // IPv6 Special-Purpose Address Registry
        "::1/128", "::/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001::/32",
        "2001:1::1/128", "2001:1::2/128", "2001:1::3/128", "2001:2::/48", "2001:3::/32", "2001:4:112::/48", "2001:10::/28",
        "2001:20::/28", "2001:30::/28", "2001:db8::/32", "2002::/16", "2620:4f:8000::/48", "3fff::/20", "5f00::/16",
        "fc00::/7", "fe80::/10",
        // Beyond the registry: multicast, site-local, IPv4-compatible, SIIT
        "ff00::/8", "fec0::/10", "::/96", "::ffff:0:0:0/96",
    ];

    /// <summary>Literal hosts (as they appear in a URL) that must be refused, and why each is there.</summary>
    public static readonly (string Host, string Why)[] Hosts =
    [
        ("127.0.0.1", "loopback"),
        ("127.1", "loopback, short form"),
        ("2130706433", "loopback, one decimal number"),
        ("0x7f000001", "loopback, hexadecimal"),
        ("0177.0.0.1", "loopback, octal"),
        ("0.0.0.0", "this host"),
        ("10.0.0.1", "private"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("169.254.169.254", "instance metadata"),
        ("168.63.129.16", "Azure WireServer"),
        ("169.254.170.2", "AWS ECS credentials endpoint"),
        ("100.100.100.200", "Alibaba metadata"),
        ("172.16.0.1", "private"),
        ("192.0.0.1", "IETF protocol assignments"),
        ("192.0.2.1", "TEST-NET-1"),
        ("192.88.99.1", "6to4 relay anycast"),
        ("192.168.1.1", "private"),
        ("198.18.0.1", "benchmarking"),
        ("198.51.100.1", "TEST-NET-2"),
        ("203.0.113.1", "TEST-NET-3"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "broadcast"),
        ("[::]", "unspecified"),
        ("[::1]", "loopback"),
        ("[::ffff:127.0.0.1]", "IPv4-mapped loopback"),
        ("[::ffff:a9fe:a9fe]", "IPv4-mapped metadata"),
        ("[::ffff:10.0.0.1]", "IPv4-mapped private"),
        ("[::127.0.0.1]", "IPv4-compatible loopback"),
        ("[::8.8.8.8]", "IPv4-compatible, deprecated even with a public IPv4"),
        ("[::ffff:0:7f00:1]", "SIIT loopback"),
        ("[64:ff9b::7f00:1]", "NAT64 loopback"),
        ("[64:ff9b::a9fe:a9fe]", "NAT64 metadata"),
        ("[64:ff9b::808:808]", "NAT64, refused as a range even with a public IPv4"),
        ("[64:ff9b:1::a00:1]", "local-use NAT64"),
        ("[100::1]", "discard-only"),
        ("[2001::1]", "Teredo"),
        ("[2001:0:4136:e378:8000:63bf:80ff:fffe]", "Teredo whose client is 127.0.0.1"),
        ("[2001:db8::1]", "documentation"),
        ("[2002:7f00:1::1]", "6to4 embedding loopback"),
        ("[2002:a9fe:a9fe::1]", "6to4 embedding metadata"),
        ("[2002:808:808::1]", "6to4, refused as a range even with a public IPv4"),
        ("[3fff::1]", "documentation"),
        ("[5f00::1]", "SRv6 SIDs"),
        ("[fc00::1]", "unique local"),
        ("[fd00:ec2::254]", "AWS metadata over IPv6"),
        ("[fe80::1]", "link-local"),
        ("[fe80::1%25eth0]", "link-local with a zone"),
        ("[fec0::1]", "site-local"),
        ("[ff02::1]", "multicast"),
        ("localhost", "loopback by name (RFC 6761), never asked of DNS"),
        ("api.localhost", "loopback by name (RFC 6761)"),
        ("LOCALHOST.", "loopback by name, upper case with the root dot"),
        ("metadata.google.internal", "Google metadata by name"),
        ("metadata.google.internal.", "Google metadata by name with the root dot"),
        ("metadata", "metadata by short name"),
        ("instance-data.ec2.internal", "AWS metadata by name"),
    ];

    public static TheoryData<string> RangeData() => [.. Ranges];

    public static TheoryData<string, string> HostData()
    {
        var data = new TheoryData<string, string>();
        foreach ((string host, string why) in Hosts)
        {
            data.Add(host, why);
        }

        return data;
    }
}
