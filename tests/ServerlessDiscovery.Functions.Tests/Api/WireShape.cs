using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// The shape of a reply as it is on the wire, read from the raw text (not a parsed object that could reorder it): every
/// member's name in order, and for each value its kind (<c>null</c>, <c>true</c>/<c>false</c>, <c>int</c> or
/// <c>number</c>, <c>time</c> for an ISO 8601 timestamp, else <c>string</c>), objects and arrays written out in full.
/// Comparing it pins names, order, nulls, number forms and timestamp formats without pinning generated ids and times.
/// </summary>
internal static class WireShape
{
    public static string Of(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var text = new StringBuilder();
        Write(document.RootElement, text);
        return text.ToString();
    }

    private static void Write(JsonElement element, StringBuilder text)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                text.AppendJoin(',', element.EnumerateObject().Select(p =>
                {
                    var member = new StringBuilder(p.Name).Append(':');
                    Write(p.Value, member);
                    return member.ToString();
                }));
                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                text.AppendJoin(',', element.EnumerateArray().Select(e =>
                {
                    var item = new StringBuilder();
                    Write(e, item);
                    return item.ToString();
                }));
                text.Append(']');
                break;
            case JsonValueKind.Number:
                text.Append(element.TryGetInt64(out _) && !element.GetRawText().Contains('.', StringComparison.Ordinal) ? "int" : "number");
                break;
            case JsonValueKind.String:
                string value = element.GetString()!;
                text.Append(IsTime(value) ? "time" : "string");
                break;
            default:
                text.Append(element.GetRawText());
                break;
        }
    }

    /// <summary>A round-trip timestamp as System.Text.Json writes a DateTimeOffset, such as 2026-11-30T12:00:00.1234567+00:00.</summary>
    private static bool IsTime(string value) =>
        value.Length >= 20 && value[4] == '-' && value[10] == 'T'
        && DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
