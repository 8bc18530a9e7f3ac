namespace ServerlessDiscovery.Testing;

/// <summary>The operator allow-list every test app starts with: loopback only, where the tests' fakes listen.</summary>
public static class LoopbackAllowList
{
    /// <summary>Egress__AllowedNetworks by its configuration name.</summary>
    public const string Setting = "Egress:AllowedNetworks";

    public const string Value = "127.0.0.0/8,::1";
}
