using System.Text.Json;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.Google.VertexAi;

/// <summary>The configuration fields of the Vertex AI plugin and the settings read from them.</summary>
internal sealed class VertexAiSettings
{
    public const string Projects = "projects";
    public const string Locations = "locations";
    public const string ServiceAccountKey = "service_account_key";
    public const string AccessToken = "access_token";
    public const string Endpoint = "vertex_endpoint";
    public const string RequestsPerSecond = "requests_per_second";
    public const string LocationPlaceholder = "{location}";

    public static IReadOnlyList<ConfigField> Fields { get; } =
    [
        new(Projects, "Projects", ConfigFieldType.StringList, Required: true, Description: "Google Cloud project ids (or numbers) to scan."),
        new(Locations, "Locations", ConfigFieldType.StringList, Required: true, Description: "Vertex AI regions to scan, e.g. us-central1, europe-west4."),
        new(ServiceAccountKey, "Service account key", ConfigFieldType.String, Secret: true, Description: "A service account key file's JSON; when empty, Application Default Credentials are used."),
        new(AccessToken, "Access token", ConfigFieldType.String, Secret: true, Description: "An OAuth access token minted elsewhere, used as is (short-lived; for tests and external token brokers)."),
        new(Endpoint, "Vertex AI endpoint", ConfigFieldType.String, Default: "https://{location}-aiplatform.googleapis.com", Description: "Vertex AI base URL; {location} is replaced per location, and a \"{location}-\" prefix is dropped for the global location (Private Service Connect, tests)."),
        new(RequestsPerSecond, "Requests per second", ConfigFieldType.Integer, Default: "5", Description: "Most requests this instance sends per second (0: unlimited)."),
    ];

    public required IReadOnlyList<string> ProjectList { get; init; }

    public required IReadOnlyList<string> LocationList { get; init; }

    public string? ServiceAccountKeyJson { get; init; }

    public string? StaticAccessToken { get; init; }

    public required string EndpointTemplate { get; init; }

    public double RequestsPerSecondLimit { get; init; }

    public static VertexAiSettings From(PluginConfiguration configuration) => new()
    {
        ProjectList = configuration.GetList(Projects),
        LocationList = configuration.GetList(Locations),
        ServiceAccountKeyJson = configuration.GetString(ServiceAccountKey),
        StaticAccessToken = configuration.GetString(AccessToken),
        EndpointTemplate = configuration.GetRequiredString(Endpoint),
        RequestsPerSecondLimit = configuration.GetInteger(RequestsPerSecond) ?? 0,
    };

    public const string GlobalLocation = "global";

    /// <summary>
    /// The base URL for <paramref name="location"/>. Vertex serves regions at {location}-aiplatform.googleapis.com but the
    /// global location at aiplatform.googleapis.com (there is no global-aiplatform host), so for "global" a
    /// "{location}-" host prefix is dropped.
    /// </summary>
    public Uri BaseUri(string location)
    {
        string template = location == GlobalLocation ? EndpointTemplate.Replace(LocationPlaceholder + "-", string.Empty, StringComparison.Ordinal) : EndpointTemplate;
        string url = template.Replace(LocationPlaceholder, location, StringComparison.Ordinal);
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    public static IEnumerable<ConfigError> Validate(PluginConfiguration configuration)
    {
        if (configuration.Has(ServiceAccountKey) && configuration.Has(AccessToken))
        {
            yield return new ConfigError(AccessToken, "cannot be combined with service_account_key.");
        }

        if (configuration.GetString(ServiceAccountKey) is { } key && !LooksLikeServiceAccountKey(key))
        {
            yield return new ConfigError(ServiceAccountKey, "must be a service account key file's JSON (\"type\": \"service_account\").");
        }

        foreach (string field in new[] { Projects, Locations })
        {
            IReadOnlyList<string> values = configuration.GetList(field);
            if (values.Count == 0)
            {
                yield return new ConfigError(field, "needs at least one value.");
            }

            foreach (string value in values)
            {
                if (value.Length == 0 || !value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or ':'))
                {
                    yield return new ConfigError(field, $"'{value}' is not a valid {(field == Projects ? "project id" : "location")}.");
                }
            }
        }

        string sample = configuration.GetRequiredString(Endpoint).Replace(LocationPlaceholder, "us-central1", StringComparison.Ordinal);
        if (!Uri.TryCreate(sample, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ConfigError(Endpoint, "must be an absolute http(s) URL, optionally with {location}.");
        }

        if (configuration.GetInteger(RequestsPerSecond) is < 0)
        {
            yield return new ConfigError(RequestsPerSecond, "must be 0 or more.");
        }
    }

    private static bool LooksLikeServiceAccountKey(string json)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "service_account";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
