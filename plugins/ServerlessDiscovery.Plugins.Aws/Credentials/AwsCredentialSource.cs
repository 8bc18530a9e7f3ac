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
/// Failures become <see cref="ProviderException"/>s whose messages name no secret. A named profile and the default
/// chain are the host's own credentials (its files, environment and roles): only an instance that may use the host's
/// identity gets them, which the constructor checks before anything is resolved.
/// </summary>
internal sealed class AwsCredentialSource : IDisposable
{
    private readonly AwsSettings _settings;
    private readonly PluginContext _context;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AWSCredentials? _credentials;

    public AwsCredentialSource(AwsSettings settings, PluginContext context)
    {
        _settings = settings;
        _context = context;
        if (settings.StaticAccessKeyId is null || settings.StaticSecretAccessKey is null)
        {
            context.RequireHostIdentity(
                AwsSettings.AccessKeyId,
                settings.ProfileName is null ? "the AWS default credential chain" : "a profile from the host's shared AWS files");
        }
    }

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
        if (_settings.AssumeRoleArn is not { } roleArn)
        {
            return source;
        }

        string region = _settings.RegionList[0];
        var config = new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = AwsSettings.ResolveEndpoint(_settings.StsEndpointTemplate, region).ToString(),
            AuthenticationRegion = region,
            MaxErrorRetry = 2,
            HttpClientFactory = new PluginHttpClientFactory(_context),
        };
        using var sts = new AmazonSecurityTokenServiceClient(source, config);
        AssumeRoleResponse response = await sts.AssumeRoleAsync(
            new AssumeRoleRequest
            {
                RoleArn = roleArn,
                RoleSessionName = "ServerlessDiscovery",
                ExternalId = _settings.AssumeRoleExternalId,
            },
            cancellationToken);
        Amazon.SecurityToken.Model.Credentials assumed = response.Credentials;
        return new SessionAWSCredentials(assumed.AccessKeyId, assumed.SecretAccessKey, assumed.SessionToken);
    }

    private AWSCredentials SourceCredentials()
    {
        if (_settings.StaticAccessKeyId is { } keyId && _settings.StaticSecretAccessKey is { } secret)
        {
            return _settings.StaticSessionToken is { } token ? new SessionAWSCredentials(keyId, secret, token) : new BasicAWSCredentials(keyId, secret);
        }

        if (_settings.ProfileName is { } profile)
        {
            return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out AWSCredentials? fromProfile)
                ? fromProfile
                : throw new AmazonClientException($"The AWS profile '{profile}' was not found in the shared config or credentials files.");
        }

        return DefaultAWSCredentialsIdentityResolver.GetCredentials();
    }
}
