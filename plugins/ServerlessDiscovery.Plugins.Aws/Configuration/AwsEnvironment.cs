namespace ServerlessDiscovery.Plugins.Aws.Configuration;

/// <summary>The environment variables AWSSDK.Core's credential chain reads when no static keys are configured.</summary>
internal static class AwsEnvironment
{
    public static IReadOnlyList<string> Variables { get; } =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ];
}
