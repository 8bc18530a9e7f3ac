namespace ServerlessDiscovery.Tables;

/// <summary>Where the Table service is and how to authenticate, parsed from a storage connection string.</summary>
public sealed class TableConnection
{
    private const string DevelopmentAccount = "devstoreaccount1";

    // Azurite's well-known development key: public, documented, and accepted only by the emulator.
    private const string DevelopmentKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private TableConnection(Uri endpoint, string accountName, byte[] accountKey)
    {
        Endpoint = endpoint;
        AccountName = accountName;
        AccountKey = accountKey;
    }

    /// <summary>The table service endpoint, e.g. https://account.table.core.windows.net or http://127.0.0.1:10002/devstoreaccount1.</summary>
    public Uri Endpoint { get; }

    public string AccountName { get; }

    internal byte[] AccountKey { get; }

    /// <summary>Parses a storage connection string; the message of any error names the part that is wrong, never the key.</summary>
    public static TableConnection Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new FormatException("The storage connection string is empty.");
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException("The storage connection string has a part without 'name=value'.");
            }

            parts[segment[..eq].Trim()] = segment[(eq + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out string? dev) && bool.TryParse(dev, out bool useDev) && useDev)
        {
            Uri devEndpoint = parts.TryGetValue("DevelopmentStorageProxyUri", out string? proxy)
                ? new Uri(proxy.TrimEnd('/') + ":10002/" + DevelopmentAccount)
                : new Uri("http://127.0.0.1:10002/" + DevelopmentAccount);
            return new TableConnection(devEndpoint, DevelopmentAccount, Convert.FromBase64String(DevelopmentKey));
        }

        if (!parts.TryGetValue("AccountName", out string? account) || account.Length == 0)
        {
            throw new FormatException("The storage connection string has no AccountName.");
        }

        if (!parts.TryGetValue("AccountKey", out string? key) || key.Length == 0)
        {
            throw new FormatException("The storage connection string has no AccountKey (use a table service URI with a managed identity instead of a key-less connection string).");
        }

        byte[] keyBytes;
        try
        {
            keyBytes = Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw new FormatException("The storage connection string's AccountKey is not valid base64.");
        }

        Uri endpoint;
        if (parts.TryGetValue("TableEndpoint", out string? tableEndpoint))
        {
            if (!Uri.TryCreate(tableEndpoint, UriKind.Absolute, out endpoint!) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException("The storage connection string's TableEndpoint is not an absolute http(s) URL.");
            }
        }
        else
        {
            string protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol", "https");
            string suffix = parts.GetValueOrDefault("EndpointSuffix", "core.windows.net");
            endpoint = new Uri($"{protocol}://{account}.table.{suffix}");
        }

        return new TableConnection(endpoint, account, keyBytes);
    }
}
