using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Aws.Configuration;
using ServerlessDiscovery.Plugins.Aws.Credentials;
using ServerlessDiscovery.Plugins.Aws.Http;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.Scanning;

/// <summary>
/// One AWS plugin instance: resolves credentials and the account once, then scans every (region, service) as its own
/// scope, so access denied in one region or service fails that scope only.
/// </summary>
internal sealed partial class AwsPlugin : IPlugin
{
    private readonly AwsSettings _settings;
    private readonly ProviderHttpClient _http;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<IAwsServiceDiscovery> _services;
    private readonly AwsCredentialSource _credentials;

    public AwsPlugin(AwsSettings settings, PluginContext context, Func<AwsApiClient, IReadOnlyList<IAwsServiceDiscovery>> services)
    {
        _settings = settings;
        _http = context.CreateProviderClient("AWS", settings.RequestsPerSecondLimit);
        _logger = context.LoggerFactory.CreateLogger("ServerlessDiscovery.Plugins.Aws");
        _credentials = new AwsCredentialSource(settings, context);
        Api = new AwsApiClient(_http, _credentials, context.TimeProvider);
        _services = services(Api);
    }

    private AwsApiClient Api { get; }

    public async Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        string region = _settings.RegionList[0];
        try
        {
            await ResolveAccountAsync(cancellationToken);
            foreach (IAwsServiceDiscovery service in _services)
            {
                try
                {
                    await service.VerifyAsync(region, cancellationToken);
                }
                catch (ScopeUnavailableException)
                {
                    // Not offered in this region: nothing to verify, and not a failure.
                }
            }

            return VerifyResult.Ok;
        }
        catch (Exception ex) when (IsScopeFailure(ex, cancellationToken))
        {
            return VerifyResult.Fail(ex.Message);
        }
    }

    public async Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string account;
        try
        {
            account = await ResolveAccountAsync(cancellationToken);
        }
        catch (Exception ex) when (IsScopeFailure(ex, cancellationToken))
        {
            // Without an account the scopes cannot be named as a successful scan would name them; these failures
            // still put the error on the scan record, and complete no scope.
            foreach (string region in _settings.RegionList)
            {
                foreach (IAwsServiceDiscovery service in _services)
                {
                    Fail(sink, $"aws:unresolved:{region}:{service.Service.Name}", ex.Message);
                }
            }

            return;
        }

        foreach (string region in _settings.RegionList)
        {
            foreach (IAwsServiceDiscovery service in _services)
            {
                string scope = $"aws:{account}:{region}:{service.Service.Name}";
                try
                {
                    var scan = new AwsScan(account, region, scope, sink);
                    await service.DiscoverAsync(scan, cancellationToken);
                    Report(sink, scan);
                }
                catch (ScopeUnavailableException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    sink.ScopeUnavailable(scope, ex.Message);
                }
                catch (Exception ex) when (IsScopeFailure(ex, cancellationToken))
                {
                    Fail(sink, scope, ex.Message);
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _credentials.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A scope whose items all read completes; one with an unreadable item is incomplete, never failed.</summary>
    private void Report(IDiscoverySink sink, AwsScan scan)
    {
        if (scan.Warnings.Count == 0)
        {
            sink.ScopeCompleted(scan.Scope);
            return;
        }

        foreach (string warning in scan.Warnings)
        {
            LogItemUnreadable(_logger, scan.Scope, warning);
            sink.ScopeIncomplete(scan.Scope, warning);
        }
    }

    private void Fail(IDiscoverySink sink, string scope, string error)
    {
        LogScopeFailed(_logger, scope, error);
        sink.ScopeFailed(scope, error);
    }

    private async Task<string> ResolveAccountAsync(CancellationToken cancellationToken)
    {
        if (_settings.Account is { } account)
        {
            // Still prove the credentials resolve, so a scan with no credentials fails rather than signing with nothing.
            _ = await _credentials.GetAsync(cancellationToken);
            return account;
        }

        string region = _settings.RegionList[0];
        QueryReply reply = await Api.CallQueryAsync(
            AwsSettings.ResolveEndpoint(_settings.StsEndpointTemplate, region),
            region,
            "sts",
            "GetCallerIdentity",
            "Action=GetCallerIdentity&Version=2011-06-15",
            cancellationToken);
        string? id = reply.IsJson ? StsReplies.JsonAccount(reply.Body) : StsReplies.XmlAccount(reply.Body);
        return id is { Length: 12 } && id.All(char.IsAsciiDigit)
            ? id
            : throw new ProviderException("AWS STS GetCallerIdentity returned no 12-digit Account.");
    }

    private static bool IsScopeFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is ProviderException or InvalidOperationException or KeyNotFoundException or FormatException or System.Text.Json.JsonException;

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "AWS scope {Scope} could not be read: {Error}")]
    private static partial void LogScopeFailed(ILogger logger, string scope, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "AWS scope {Scope} is incomplete: {Warning}")]
    private static partial void LogItemUnreadable(ILogger logger, string scope, string warning);
}
