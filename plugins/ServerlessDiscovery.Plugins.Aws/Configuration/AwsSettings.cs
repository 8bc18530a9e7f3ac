using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.Aws.Configuration;

/// <summary>The configuration fields both AWS plugin types share, and the settings read from them.</summary>
internal sealed class AwsSettings
{
    public const string AccessKeyId = "access_key_id";
    public const string SecretAccessKey = "secret_access_key";
    public const string SessionToken = "session_token";
    public const string Profile = "profile";
    public const string RoleArn = "role_arn";
    public const string ExternalId = "external_id";
    public const string AccountId = "account_id";
    public const string Regions = "regions";
    public const string StsEndpoint = "sts_endpoint";
    public const string RequestsPerSecond = "requests_per_second";

    public const string RegionPlaceholder = "{region}";

    /// <summary>OpenCITE's single region, accepted for <see cref="Regions"/> (a comma-separated string is a list too).</summary>
    public static IReadOnlyList<ConfigAlias> CommonAliases { get; } = [new("region", Regions, "OpenCITE's single AWS region; a comma-separated list names several.")];

    public static IReadOnlyList<ConfigField> CommonFields { get; } =
    [
        new(Regions, "Regions", ConfigFieldType.StringList, Required: true, Description: "AWS regions to scan, e.g. us-east-1, eu-west-1."),
        new(AccessKeyId, "Access key id", ConfigFieldType.String, Secret: true, Description: "Static credentials; leave empty to use the AWS credential chain (environment, profile, web identity, ECS/EC2 role)."),
        new(SecretAccessKey, "Secret access key", ConfigFieldType.String, Secret: true, Description: "Required with access_key_id."),
        new(SessionToken, "Session token", ConfigFieldType.String, Secret: true, Description: "For temporary static credentials."),
        new(Profile, "Profile", ConfigFieldType.String, Description: "A named profile from the shared AWS config/credentials files, used instead of the default chain."),
        new(RoleArn, "Role ARN", ConfigFieldType.String, Description: "A role to assume (STS AssumeRole) with the credentials above, e.g. a read-only role in another account."),
        new(ExternalId, "External id", ConfigFieldType.String, Secret: true, Description: "The external id the role's trust policy requires, if any."),
        new(AccountId, "Account id", ConfigFieldType.String, Description: "The 12-digit account scanned; when empty it is read with STS GetCallerIdentity."),
        new(StsEndpoint, "STS endpoint", ConfigFieldType.String, Default: "https://sts.{region}.amazonaws.com", Description: "STS base URL; {region} is replaced by the first region."),
        new(RequestsPerSecond, "Requests per second", ConfigFieldType.Integer, Default: "5", Description: "Most requests this instance sends per second (0: unlimited); throttling answers are retried after that."),
    ];

    public required IReadOnlyList<string> RegionList { get; init; }

    public string? StaticAccessKeyId { get; init; }

    public string? StaticSecretAccessKey { get; init; }

    public string? StaticSessionToken { get; init; }

    public string? ProfileName { get; init; }

    public string? AssumeRoleArn { get; init; }

    public string? AssumeRoleExternalId { get; init; }

    public string? Account { get; init; }

    public required string StsEndpointTemplate { get; init; }

    public double RequestsPerSecondLimit { get; init; }

    public IReadOnlyDictionary<string, string> EndpointTemplates { get; init; } = new Dictionary<string, string>();

    public static AwsSettings From(PluginConfiguration configuration, IEnumerable<string> endpointFields) => new()
    {
        RegionList = configuration.GetList(Regions),
        StaticAccessKeyId = configuration.GetString(AccessKeyId),
        StaticSecretAccessKey = configuration.GetString(SecretAccessKey),
        StaticSessionToken = configuration.GetString(SessionToken),
        ProfileName = configuration.GetString(Profile),
        AssumeRoleArn = configuration.GetString(RoleArn),
        AssumeRoleExternalId = configuration.GetString(ExternalId),
        Account = configuration.GetString(AccountId),
        StsEndpointTemplate = configuration.GetRequiredString(StsEndpoint),
        RequestsPerSecondLimit = configuration.GetInteger(RequestsPerSecond) ?? 0,
        EndpointTemplates = endpointFields.ToDictionary(f => f, configuration.GetRequiredString, StringComparer.Ordinal),
    };

    /// <summary>The base URL of a service in a region, from its endpoint template.</summary>
    public static Uri ResolveEndpoint(string template, string region)
    {
        string url = template.Replace(RegionPlaceholder, region, StringComparison.Ordinal);
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    /// <summary>Cross-field rules: key pairs, region names, endpoint templates that make absolute http(s) URLs.</summary>
    public static IEnumerable<ConfigError> Validate(PluginConfiguration configuration, IEnumerable<string> endpointFields)
    {
        if (configuration.Has(AccessKeyId) != configuration.Has(SecretAccessKey))
        {
            yield return new ConfigError(configuration.Has(AccessKeyId) ? SecretAccessKey : AccessKeyId, "is required when the other half of the key pair is set.");
        }

        if (configuration.Has(SessionToken) && !configuration.Has(AccessKeyId))
        {
            yield return new ConfigError(SessionToken, "needs access_key_id and secret_access_key.");
        }

        if (configuration.Has(Profile) && configuration.Has(AccessKeyId))
        {
            yield return new ConfigError(Profile, "cannot be combined with static keys.");
        }

        if (configuration.GetString(RoleArn) is { } role && !role.StartsWith("arn:", StringComparison.Ordinal))
        {
            yield return new ConfigError(RoleArn, "must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).");
        }

        if (configuration.GetString(AccountId) is { } account && (account.Length != 12 || !account.All(char.IsAsciiDigit)))
        {
            yield return new ConfigError(AccountId, "must be 12 digits.");
        }

        if (configuration.GetInteger(RequestsPerSecond) is < 0)
        {
            yield return new ConfigError(RequestsPerSecond, "must be 0 or more.");
        }

        IReadOnlyList<string> regions = configuration.GetList(Regions);
        if (regions.Count == 0)
        {
            yield return new ConfigError(Regions, "needs at least one region.");
        }

        foreach (string region in regions)
        {
            if (region.Length == 0 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                yield return new ConfigError(Regions, $"'{region}' is not a region name (like us-east-1).");
            }
        }

        foreach (string field in endpointFields.Append(StsEndpoint))
        {
            string template = configuration.GetRequiredString(field);
            string sample = template.Replace(RegionPlaceholder, "us-east-1", StringComparison.Ordinal);
            if (!Uri.TryCreate(sample, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                yield return new ConfigError(field, "must be an absolute http(s) URL, optionally with {region}.");
            }
        }
    }
}
