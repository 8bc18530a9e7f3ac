namespace ServerlessDiscovery.Plugins.Mcp.Discovery;

/// <summary>
/// Removes configured secret values (header and environment values) from text that leaves the plugin: a server
/// or the SDK may echo a request header or a process's output into an error message.
/// </summary>
internal sealed class SecretRedactor(IEnumerable<string> secrets)
{
    private const string Redacted = "***";

    // Very short values would redact ordinary words; a secret that short protects nothing anyway.
    private readonly string[] _secrets = [.. secrets.Where(s => s.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];

    public string Redact(string text)
    {
        foreach (string secret in _secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        return text;
    }
}
