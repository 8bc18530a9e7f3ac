using System.Net;

namespace ServerlessDiscovery.Plugins.Egress;

/// <summary>How the address policy treats one special-purpose range.</summary>
public enum RangeTreatment
{
    /// <summary>Refused unless Egress__AllowedNetworks allow-lists the address.</summary>
    Refused,

    /// <summary>Decided by the IPv4 address the form embeds (IPv4-mapped IPv6 is that IPv4 address on a dual-stack socket).</summary>
    EmbeddedIPv4,
}

/// <summary>One entry of the address policy's table: a range, what it is, where it is defined, and how it is treated.</summary>
/// <param name="Network">The range.</param>
/// <param name="Name">The registry's name for it.</param>
/// <param name="Reference">The RFC (or provider document) that defines it.</param>
/// <param name="Treatment">Refused, or decided by the embedded IPv4 address.</param>
public sealed record SpecialPurposeRange(IPNetwork Network, string Name, string Reference, RangeTreatment Treatment = RangeTreatment.Refused);

/// <summary>
/// Every entry of the IANA IPv4 and IPv6 Special-Purpose Address Registries (iana-ipv4-special-registry,
/// iana-ipv6-special-registry, as updated through 2025), plus the ranges the registries leave to others that a
/// server must not be made to call: multicast, the deprecated IPv4-compatible, SIIT and site-local forms. Every entry
/// is refused, also those the registry marks globally reachable (anycast relays, AS112, AMT): no provider, MCP server
/// or webhook receiver lives there, and an operator who needs one allow-lists it. IPv4-mapped IPv6 alone is decided
/// by the IPv4 address it carries.
/// </summary>
public static class SpecialPurposeRanges
{
    /// <summary>The IPv4 registry's entries, then multicast (RFC 5771) and limited broadcast.</summary>
    public static IReadOnlyList<SpecialPurposeRange> IPv4 { get; } =
    [
        Range("0.0.0.0/8", "\"This network\"", "RFC 791"),
        Range("0.0.0.0/32", "\"This host on this network\"", "RFC 1122"),
        Range("10.0.0.0/8", "Private-Use", "RFC 1918"),
        Range("100.64.0.0/10", "Shared Address Space", "RFC 6598"),
        Range("127.0.0.0/8", "Loopback", "RFC 1122"),
        Range("169.254.0.0/16", "Link Local", "RFC 3927"),
        Range("172.16.0.0/12", "Private-Use", "RFC 1918"),
        Range("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890"),
        Range("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335"),
        Range("192.0.0.8/32", "IPv4 dummy address", "RFC 7600"),
        Range("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"),
        Range("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
        Range("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050"),
        Range("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050"),
        Range("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
        Range("192.31.196.0/24", "AS112-v4", "RFC 7535"),
        Range("192.52.193.0/24", "AMT", "RFC 7450"),
        Range("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526"),
        Range("192.88.99.2/32", "6a44-relay anycast address", "RFC 6751"),
        Range("192.168.0.0/16", "Private-Use", "RFC 1918"),
        Range("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534"),
        Range("198.18.0.0/15", "Benchmarking", "RFC 2544"),
        Range("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
        Range("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
        Range("240.0.0.0/4", "Reserved", "RFC 1112"),
        Range("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919"),
        Range("224.0.0.0/4", "Multicast", "RFC 5771"),
    ];

    /// <summary>The IPv6 registry's entries, then multicast, site-local and the deprecated embedded-IPv4 forms.</summary>
    public static IReadOnlyList<SpecialPurposeRange> IPv6 { get; } =
    [
        Range("::1/128", "Loopback Address", "RFC 4291"),
        Range("::/128", "Unspecified Address", "RFC 4291"),
        Range("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", RangeTreatment.EmbeddedIPv4),
        Range("64:ff9b::/96", "IPv4-IPv6 Translat. (NAT64 well-known prefix)", "RFC 6052"),
        Range("64:ff9b:1::/48", "IPv4-IPv6 Translat. (local-use NAT64)", "RFC 8215"),
        Range("100::/64", "Discard-Only Address Block", "RFC 6666"),
        Range("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780"),
        Range("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
        Range("2001::/32", "TEREDO", "RFC 4380, RFC 8190"),
        Range("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723"),
        Range("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
        Range("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665"),
        Range("2001:2::/48", "Benchmarking", "RFC 5180"),
        Range("2001:3::/32", "AMT", "RFC 7450"),
        Range("2001:4:112::/48", "AS112-v6", "RFC 7535"),
        Range("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843"),
        Range("2001:20::/28", "ORCHIDv2", "RFC 7343"),
        Range("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374"),
        Range("2001:db8::/32", "Documentation", "RFC 3849"),
        Range("2002::/16", "6to4", "RFC 3056"),
        Range("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534"),
        Range("3fff::/20", "Documentation", "RFC 9637"),
        Range("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602"),
        Range("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190"),
        Range("fe80::/10", "Link-Local Unicast", "RFC 4291"),
        Range("ff00::/8", "Multicast", "RFC 4291"),
        Range("fec0::/10", "Site-Local (deprecated)", "RFC 3879"),
        Range("::/96", "IPv4-compatible (deprecated)", "RFC 4291 2.5.5.1"),
        Range("::ffff:0:0:0/96", "SIIT IPv4-translated", "RFC 2765"),
    ];

    /// <summary>
    /// Cloud metadata and host-agent addresses: refused always, also when an allow-listed range covers them. The
    /// host reaches its own identity through the credential libraries, never through a plugin's or a webhook's client.
    /// </summary>
    public static IReadOnlyList<SpecialPurposeRange> Metadata { get; } =
    [
        Range("169.254.169.254/32", "Instance metadata service (AWS, Azure IMDS, Google, Oracle, OpenStack)", "provider documentation"),
        Range("168.63.129.16/32", "Azure WireServer (host agent, DNS, health probes)", "learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16"),
        Range("fd00:ec2::254/128", "AWS instance metadata service over IPv6", "docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html"),
        Range("169.254.170.2/32", "AWS ECS task metadata and credentials endpoint", "docs.aws.amazon.com/AmazonECS/latest/developerguide/task-metadata-endpoint-v2.html"),
        Range("fd00:ec2::23/128", "AWS ECS/EKS Pod Identity agent over IPv6", "docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html"),
        Range("169.254.170.23/32", "AWS EKS Pod Identity agent", "docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html"),
        Range("100.100.100.200/32", "Alibaba Cloud instance metadata", "alibabacloud.com/help/ecs/user-guide/view-instance-metadata"),
    ];

    /// <summary>Host names of metadata services: refused by name, before any lookup, whatever they resolve to.</summary>
    public static IReadOnlyList<string> MetadataHostNames { get; } =
        ["metadata.google.internal", "metadata.goog", "metadata", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal"];

    private static SpecialPurposeRange Range(string cidr, string name, string reference, RangeTreatment treatment = RangeTreatment.Refused) =>
        new(IPNetwork.Parse(cidr), name, reference, treatment);
}
