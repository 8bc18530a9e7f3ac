namespace ServerlessDiscovery.Plugins.Databricks.Api;

/// <summary>How the plugin authenticates: a personal access token, or OAuth M2M client credentials.</summary>
internal sealed record DatabricksCredentials(string? Pat, string? ClientId, string? ClientSecret, Uri? TokenEndpoint)
{
    public static DatabricksCredentials PersonalAccessToken(string token) => new(token, null, null, null);

    public static DatabricksCredentials OAuth(string clientId, string clientSecret, Uri tokenEndpoint) => new(null, clientId, clientSecret, tokenEndpoint);

    // Records print their members; these hold secrets.
    public override string ToString() => Pat is not null ? "DatabricksCredentials { PAT }" : $"DatabricksCredentials {{ OAuth {ClientId} }}";
}
