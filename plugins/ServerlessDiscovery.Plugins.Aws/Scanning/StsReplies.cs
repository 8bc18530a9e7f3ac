using System.Globalization;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.Scanning;

/// <summary>
/// STS GetCallerIdentity replies (botocore sts 2011-06-15, query protocol, result wrapper GetCallerIdentityResult): XML
/// by default, or the same structure as JSON when the request accepts application/json.
/// </summary>
internal static class StsReplies
{
    public static string? XmlAccount(string body)
    {
        try
        {
            return XDocument.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Account")?.Value;
        }
        catch (XmlException ex)
        {
            throw new ProviderException(string.Create(CultureInfo.InvariantCulture, $"AWS STS GetCallerIdentity returned malformed XML ({ex.Message})."), null, null, ex);
        }
    }

    /// <summary>{"GetCallerIdentityResponse": {"GetCallerIdentityResult": {"Account": ...}, "ResponseMetadata": {...}}}.</summary>
    public static string? JsonAccount(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement result = JsonFields.Object(JsonFields.Object(document.RootElement, "GetCallerIdentityResponse"), "GetCallerIdentityResult");
            return JsonFields.Text(result, "Account");
        }
        catch (JsonException ex)
        {
            throw new ProviderException(string.Create(CultureInfo.InvariantCulture, $"AWS STS GetCallerIdentity returned malformed JSON ({ex.Message})."), null, null, ex);
        }
    }
}
