using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using ServerlessDiscovery.Plugins.Aws.Configuration;
using ServerlessDiscovery.Plugins.Aws.Signing;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.Credentials;

/// <summary>
/// Resolves the credentials a scan signs with: static keys, a named profile, or AWSSDK.Core's default chain
/// (environment, shared files, web identity, ECS/EC2 roles), then optionally an assumed role via AWSSDK.SecurityToken.
/// Failures become <see cref="ProviderException"/>s whose messages name no secret.
/// </summary>
internal sealed class AwsCredentialSource(AwsSettings settings) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AWSCredentials? _credentials;

    public async Task<AwsCredentials> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _credentials ??= await ResolveAsync(cancellationToken);
            ImmutableCredentials current = await _credentials.GetCredentialsAsync();
            return new AwsCredentials(current.AccessKey, current.SecretKey, string.IsNullOrEmpty(current.Token) ? null : current.Token);
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException)
        {
            _credentials = null;
            throw new ProviderException($"AWS credentials could not be resolved ({ex.GetType().Name}: {ex.Message})", (ex as AmazonServiceException)?.StatusCode is { } status ? (int)status : null, (ex as AmazonServiceException)?.ErrorCode, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<AWSCredentials> ResolveAsync(CancellationToken cancellationToken)
    {
        AWSCredentials source = SourceCredentials();
        if (settings.AssumeRoleArn is not { } roleArn)
        {
            return source;
        }

        string region = settings.RegionList[0];
        var config = new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = AwsSettings.ResolveEndpoint(settings.StsEndpointTemplate, region).ToString(),
            AuthenticationRegion = region,
            MaxErrorRetry = 2,
        };
        using var sts = new AmazonSecurityTokenServiceClient(source, config);
        AssumeRoleResponse response = await sts.AssumeRoleAsync(
            new AssumeRoleRequest
            {
                RoleArn = roleArn,
                RoleSessionName = "ServerlessDiscovery",
                ExternalId = settings.AssumeRoleExternalId,
            },
            cancellationToken);
        Amazon.SecurityToken.Model.Credentials assumed = response.Credentials;
        return new SessionAWSCredentials(assumed.AccessKeyId, assumed.SecretAccessKey, assumed.SessionToken);
    }

    private AWSCredentials SourceCredentials()
    {
        if (settings.StaticAccessKeyId is { } keyId && settings.StaticSecretAccessKey is { } secret)
        {
            return settings.StaticSessionToken is { } token ? new SessionAWSCredentials(keyId, secret, token) : new BasicAWSCredentials(keyId, secret);
        }

        if (settings.ProfileName is { } profile)
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out AWSCredentials? fromProfile)
                ? fromProfile
                : throw new AmazonClientException($"The AWS profile '{profile}' was not found in the shared config or credentials files.");
        }

        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }
}
