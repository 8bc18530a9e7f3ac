using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.Redaction;

/// <summary>
/// The one redaction every error, warning and log line from a plugin or its provider passes before it is stored,
/// returned, published or logged. It masks:
/// <list type="bullet">
/// <item>each configured secret (a field flagged secret; each value of a secret map or list; each string of 16 or more
/// characters inside a secret that is a JSON object, such as a service-account key's private key) that is at least
/// <see cref="SecretForms.MinimumSecretLength"/> characters long, in every form <see cref="SecretForms"/> lists;</item>
/// <item>truncated copies: a prefix or suffix of any of those forms at least <see cref="MinimumFragment"/> characters
/// long (a provider that cuts the secret, with or without an ellipsis), matched without regard to case;</item>
/// <item>any base64 or base64url token that decodes to text containing a secret (Basic base64(id:secret), an encoded
/// JSON blob), masked whole;</item>
/// <item>credentials recognisable by their shape whatever their value (<see cref="CredentialPatterns"/>).</item>
/// </list>
/// A fragment from the middle of a secret, shorter than the whole, is not recognised.
/// </summary>
public sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced with; the same mask the API shows for secret fields.</summary>
    public const string Mask = PluginConfiguration.Mask;

    /// <summary>The shortest prefix or suffix of a secret's form that is still masked.</summary>
    public const int MinimumFragment = 8;

    private const int MinimumNestedSecretLength = 16;

    private readonly string[] _secrets;
    private readonly string[] _needles;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        _secrets = [.. secrets
            .SelectMany(Expand)
            .Where(s => s.Length >= SecretForms.MinimumSecretLength)
            .Distinct(StringComparer.Ordinal)];
        _needles = [.. _secrets
            .SelectMany(SecretForms.Of)
            .Where(n => n.Length >= SecretForms.MinimumSecretLength)
            .Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>A redactor that knows no secrets: it still masks credential-shaped text.</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>The redactor for every field <paramref name="configuration"/> flags secret.</summary>
    public static SecretRedactor For(PluginConfiguration? configuration)
    {
        if (configuration is null)
        {
            return None;
        }

        JsonObject values = configuration.ToJson();
        return new SecretRedactor(configuration.Fields
            .Where(f => f.Secret)
            .SelectMany(f => values[f.Name] switch
            {
                JsonObject map => map.Select(p => p.Value?.ToString()),
                JsonArray list => list.Select(n => n?.ToString()),
                null => [],
                JsonNode value => [value.ToString()],
            }));
    }

    /// <summary>Whether this redactor knows any secret.</summary>
    public bool HasSecrets => _secrets.Length > 0;

    /// <summary>The text with every secret form and credential-shaped value replaced by <see cref="Mask"/>.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (_secrets.Length > 0)
        {
            text = MaskEncodedTokens(text);
            text = MaskNeedles(text);
        }

        return CredentialPatterns.Redact(text, Mask);
    }

    private static IEnumerable<string> Expand(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            yield break;
        }

        yield return secret;
        if (secret.TrimStart().StartsWith('{'))
        {
            JsonNode? parsed = null;
            try
            {
                parsed = JsonNode.Parse(secret);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON after all: the whole value is still a secret.
            }

            if (parsed is JsonObject obj)
            {
                foreach (KeyValuePair<string, JsonNode?> member in obj)
                {
                    if (member.Value is JsonValue v && v.TryGetValue(out string? s) && s.Length >= MinimumNestedSecretLength)
                    {
                        yield return s;
                    }
                }
            }
        }
    }

    /// <summary>Masks whole base64 tokens whose decoded text contains a secret (Basic credentials, encoded blobs).</summary>
    private string MaskEncodedTokens(string text) => Base64Token().Replace(text, match =>
    {
        string? decoded = TryDecode(match.Value);
        return decoded is not null && _secrets.Any(s => decoded.Contains(s, StringComparison.Ordinal)) ? Mask : match.Value;
    });

    private static string? TryDecode(string token)
    {
        string standard = token.TrimEnd('=').Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        byte[] buffer = new byte[standard.Length];
        return Base64.DecodeFromUtf8(Encoding.ASCII.GetBytes(standard), buffer, out _, out int written) == System.Buffers.OperationStatus.Done
            ? Encoding.UTF8.GetString(buffer, 0, written)
            : null;
    }

    /// <summary>Marks every whole, prefix or suffix occurrence of every form, then masks each marked run once.</summary>
    private string MaskNeedles(string text)
    {
        bool[] marked = new bool[text.Length];
        bool any = false;
        foreach (string needle in _needles)
        {
            any |= MarkNeedle(text, needle, marked);
        }

        if (!any)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (!marked[i])
            {
                result.Append(text[i]);
            }
            else if (i == 0 || !marked[i - 1])
            {
                result.Append(Mask);
            }
        }

        return result.ToString();
    }

    private static bool MarkNeedle(string text, string needle, bool[] marked)
    {
        bool any = false;
        if (needle.Length <= MinimumFragment)
        {
            for (int at = text.IndexOf(needle, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                Array.Fill(marked, true, at, needle.Length);
                any = true;
            }

            return any;
        }

        // A prefix: starts with the needle's first MinimumFragment characters; extend while it still matches.
        string head = needle[..MinimumFragment];
        for (int at = text.IndexOf(head, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(head, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            int length = MinimumFragment;
            while (length < needle.Length && at + length < text.Length && char.ToUpperInvariant(text[at + length]) == char.ToUpperInvariant(needle[length]))
            {
                length++;
            }

            Array.Fill(marked, true, at, length);
            any = true;
        }

        // A suffix: ends with the needle's last MinimumFragment characters; extend backwards while it still matches.
        string tail = needle[^MinimumFragment..];
        for (int at = text.IndexOf(tail, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(tail, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            int start = at;
            int n = needle.Length - MinimumFragment;
            while (n > 0 && start > 0 && char.ToUpperInvariant(text[start - 1]) == char.ToUpperInvariant(needle[n - 1]))
            {
                start--;
                n--;
            }

            Array.Fill(marked, true, start, at + MinimumFragment - start);
            any = true;
        }

        return any;
    }

    [GeneratedRegex(@"[A-Za-z0-9+/_-]{8,}={0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex Base64Token();
}
