using System.Net;
using System.Net.Sockets;

namespace ServerlessDiscovery.Plugins.Egress.Tests;

public sealed class AddressPolicyTests
{
    // Names resolve to a public address, so a refusal comes from the policy, never from a failed lookup.
    private static readonly AddressPolicy Strict = new(EgressAllowList.Empty, new FixedResolver(IPAddress.Parse("93.184.215.14")));

    [Theory]
    [MemberData(nameof(ForbiddenAddresses.RangeData), MemberType = typeof(ForbiddenAddresses))]
    public void Check_FirstAndLastAddressOfEveryRegistryEntry_Refused(string cidr)
    {
        IPNetwork network = IPNetwork.Parse(cidr);
        foreach (IPAddress address in (IPAddress[])[network.BaseAddress, Last(network)])
        {
            Assert.NotNull(Strict.Check(address.ToString(), address));
        }
    }

    [Theory]
    [MemberData(nameof(ForbiddenAddresses.RangeData), MemberType = typeof(ForbiddenAddresses))]
    public void Table_EveryRegistryEntry_IsListedWithItsReference(string cidr)
    {
        SpecialPurposeRange? entry = SpecialPurposeRanges.IPv4.Concat(SpecialPurposeRanges.IPv6).SingleOrDefault(r => r.Network.ToString() == IPNetwork.Parse(cidr).ToString());
        Assert.NotNull(entry);
        Assert.False(string.IsNullOrWhiteSpace(entry.Reference));
    }

    [Theory]
    [MemberData(nameof(ForbiddenAddresses.HostData), MemberType = typeof(ForbiddenAddresses))]
    public async Task CheckUrlAsync_ForbiddenHostForm_Refused(string host, string why)
    {
        var url = new Uri($"http://{host}:8080/path");
        string? error = await Strict.CheckUrlAsync(url);
        Assert.True(error is not null, $"{host} ({why}) was accepted");
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("20.50.2.1")]
    [InlineData("[2606:4700:4700::1111]")]
    [InlineData("[::ffff:8.8.8.8]")]
    [InlineData("api.example.com")]
    public async Task CheckUrlAsync_PublicAddress_Accepted(string host)
    {
        var policy = new AddressPolicy(EgressAllowList.Empty, new FixedResolver(IPAddress.Parse("93.184.215.14")));
        Assert.Null(await policy.CheckUrlAsync(new Uri($"https://{host}/")));
    }

    [Fact]
    public async Task CheckUrlAsync_NameResolvingToAnyForbiddenAddress_Refused()
    {
        var policy = new AddressPolicy(EgressAllowList.Empty, new FixedResolver(IPAddress.Parse("8.8.8.8"), IPAddress.Parse("10.1.2.3")));
        string? error = await policy.CheckUrlAsync(new Uri("https://mixed.example.com/"));
        Assert.Contains("10.1.2.3", error, StringComparison.Ordinal);
        Assert.Contains("Egress__AllowedNetworks", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://8.8.8.8/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://8.8.8.8/")]
    public async Task CheckUrlAsync_NotHttp_Refused(string url)
    {
        Assert.NotNull(await Strict.CheckUrlAsync(new Uri(url)));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.20.30.40")]
    [InlineData("10.1.2.3/8", "10.20.30.40")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("fd12:3456::/32", "fd12:3456::5")]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1")]
    public void Check_AllowListedNetwork_Accepted(string allowed, string address)
    {
        Assert.True(EgressAllowList.TryParse(allowed, out EgressAllowList list, out _));
        var policy = new AddressPolicy(list);
        Assert.Null(policy.Check("private.example", IPAddress.Parse(address)));
        Assert.NotNull(Strict.Check("private.example", IPAddress.Parse(address)));
    }

    [Fact]
    public void Check_AllowListedNetwork_AcceptsOnlyThatNetwork()
    {
        Assert.True(EgressAllowList.TryParse("10.0.0.0/16", out EgressAllowList list, out _));
        var policy = new AddressPolicy(list);
        Assert.NotNull(policy.Check("x", IPAddress.Parse("10.1.0.1")));
        Assert.NotNull(policy.Check("x", IPAddress.Parse("192.168.0.1")));
    }

    [Fact]
    public async Task CheckUrlAsync_AllowListedHostName_AcceptedWhateverItResolvesTo()
    {
        Assert.True(EgressAllowList.TryParse("models.corp.internal", out EgressAllowList list, out _));
        var policy = new AddressPolicy(list, new FixedResolver(IPAddress.Parse("10.9.8.7")));
        Assert.Null(await policy.CheckUrlAsync(new Uri("https://models.corp.internal/v1")));
        Assert.NotNull(await policy.CheckUrlAsync(new Uri("https://other.corp.internal/v1")));
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("168.63.129.16")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("2002:a9fe:a9fe::")]
    public void Check_MetadataAddress_RefusedEvenWhenEverythingIsAllowListed(string address)
    {
        Assert.True(EgressAllowList.TryParse("0.0.0.0/0,::/0,metadata.internal", out EgressAllowList list, out _));
        var policy = new AddressPolicy(list);
        Assert.Contains("never reachable", policy.Check("metadata.internal", IPAddress.Parse(address)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckUrlAsync_MetadataName_RefusedEvenWhenAllowListed()
    {
        Assert.True(EgressAllowList.TryParse("metadata.google.internal,0.0.0.0/0", out EgressAllowList list, out _));
        Assert.NotNull(await new AddressPolicy(list, new FixedResolver(IPAddress.Parse("8.8.8.8"))).CheckUrlAsync(new Uri("http://metadata.google.internal/")));
    }

    [Fact]
    public async Task CheckUrlAsync_Localhost_NeverAskedOfDns()
    {
        var resolver = new FixedResolver(IPAddress.Parse("8.8.8.8"));
        var policy = new AddressPolicy(EgressAllowList.Empty, resolver);
        Assert.NotNull(await policy.CheckUrlAsync(new Uri("http://localhost/")));
        Assert.Equal(0, resolver.Calls);
    }

    [Theory]
    [InlineData("10.0.0.0/99", "invalid prefix")]
    [InlineData("::1/129", "invalid prefix")]
    [InlineData("10.0.0.0/-1", "invalid prefix")]
    [InlineData("bad host!", "neither")]
    [InlineData("example.com/24", "neither")]
    public void Validator_BadEntry_FailsNamingTheSetting(string value, string expected)
    {
        var result = new EgressOptionsValidator().Validate(null, new EgressOptions { AllowedNetworks = value });
        Assert.True(result.Failed);
        Assert.Contains("Egress__AllowedNetworks", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_GoodList_Succeeds()
    {
        Assert.True(new EgressOptionsValidator().Validate(null, new EgressOptions { AllowedNetworks = " 10.0.0.0/8, ::1 ,[fd00::]/8, models.corp.internal, " }).Succeeded);
    }

    private static IPAddress Last(IPNetwork network)
    {
        byte[] bytes = network.BaseAddress.GetAddressBytes();
        for (int bit = network.PrefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}

/// <summary>A resolver answering a fixed list (or failing as DNS does for an unknown name), counting its calls.</summary>
internal sealed class FixedResolver(params IPAddress[] addresses) : IHostResolver
{
    public int Calls { get; private set; }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        Calls++;
        return addresses.Length == 0 ? throw new SocketException((int)SocketError.HostNotFound) : Task.FromResult(addresses);
    }
}
