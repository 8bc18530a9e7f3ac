using System.Security.Cryptography;
using System.Text;

namespace ServerlessDiscovery.Storage;

/// <summary>
/// Turns source identities (ARNs, URLs, resource ids) into Table Storage keys: reversible escaping of the characters
/// keys may not hold, and a stable SHA-256 form for identities too long for a key.
/// </summary>
public static class StorageKeys
{
    public const char Separator = '~';
    private const int MaxEscapedLength = 400;

    /// <summary>Escapes '%', '~', '/', '\', '#', '?' and control characters as %XX; everything else is kept.</summary>
    public static string Escape(string value)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c is '%' or '~' or '/' or '\\' or '#' or '?' or '\'' || char.IsControl(c))
            {
                sb ??= new StringBuilder(value.Length + 16).Append(value, 0, i);
                sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb?.Append(c);
            }
        }

        string escaped = sb?.ToString() ?? value;
        if (escaped.Length <= MaxEscapedLength)
        {
            return escaped;
        }

        // Too long for a key: a readable prefix and a hash of the whole identity, the same on every host.
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
        return escaped[..200] + "%%" + hash;
    }

    public static string Partition(string tenant, string instanceId) => tenant + Separator + instanceId;

    public static string AssetRow(string type, string id) => type + Separator + Escape(id);

    public static string TypePrefix(string type) => type + Separator;
}
