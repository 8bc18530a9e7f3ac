using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Http;
using ServerlessDiscovery.Plugins.Validation;

namespace ServerlessDiscovery.Cli.PluginPackages;

/// <summary>One check of `sd plugin validate`: what it checked, whether it passed, and what to fix.</summary>
internal sealed record PluginCheck(string TypeId, string Check, bool Passed, string Detail);

/// <summary>
/// The checks a plugin type passes before it is deployed, beyond loading (SDK range, type id): metadata complete, secrets
/// flagged, and the behaviour the conformance suite asks for, run on a configuration made from its own metadata with
/// every endpoint pointing at a loopback port where nothing listens and every secret set to a sentinel.
/// </summary>
internal static class PluginValidation
{
    public const string SecretSentinel = "SENTINEL-sd-validate-5c1e";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    public static async Task<IReadOnlyList<PluginCheck>> CheckAsync(IPluginType type, IHttpClientFactory http, CancellationToken cancellationToken)
    {
        string id = type.Metadata.TypeId;
        var checks = new List<PluginCheck>
        {
            Static(id, "metadata complete", PluginChecks.MetadataProblems(type)),
            Static(id, "secrets flagged", PluginChecks.UnflaggedSecrets(type)),
        };

        (PluginConfiguration? empty, IReadOnlyList<ConfigError> emptyErrors) = PluginConfiguration.Validate(type, new JsonObject());
        string[] required = [.. type.Metadata.ConfigFields.Where(f => f.Required && f.Default is null).Select(f => f.Name).Order(StringComparer.Ordinal)];
        string[] named = [.. emptyErrors.Select(e => e.Field).Distinct().Order(StringComparer.Ordinal)];
        checks.Add(Result(id, "empty configuration names every required field", required.SequenceEqual(named) && (required.Length > 0 || empty is not null)
            ? null
            : $"required without default [{string.Join(", ", required)}], named by validation [{string.Join(", ", named)}]"));

        JsonObject raw = Synthesize(type.Metadata.ConfigFields);
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        if (config is null)
        {
            checks.Add(Result(id, "behaviour against an unreachable provider",
                $"not run: a configuration made from the metadata does not validate ({string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}"))}); the plugin's own conformance tests must cover it"));
            return checks;
        }

        bool masked = !config.ToMaskedJson().ToJsonString().Contains(SecretSentinel, StringComparison.Ordinal) && !config.ToString()!.Contains(SecretSentinel, StringComparison.Ordinal);
        checks.Add(Result(id, "masked configuration hides secrets", masked ? null : "a secret field's value is shown"));
        raw["sd_validate_unknown_field"] = "x";
        checks.Add(Result(id, "unknown field rejected", PluginConfiguration.Validate(type, raw).Configuration is null ? null : "a configuration with an undeclared field was accepted"));
        checks.Add(await RunAsync(id, "verify answers without throwing or leaking a secret", type, config, http, async plugin =>
        {
            VerifyResult result = await plugin.VerifyConnectionAsync(cancellationToken).WaitAsync(Limit, cancellationToken);
            return result.Error?.Contains(SecretSentinel, StringComparison.Ordinal) == true ? "the error shows a secret" : null;
        }));
        checks.Add(await RunAsync(id, "discovery reports failed scopes without throwing or leaking a secret", type, config, http, async plugin =>
        {
            var sink = new ValidationSink();
            await plugin.DiscoverAsync(sink, cancellationToken).WaitAsync(Limit, cancellationToken);
            return sink.Leaks ? "a scope error or asset shows a secret" : !sink.CompletedScopes.IsEmpty ? $"scope {sink.CompletedScopes.First()} reported complete with no provider" : null;
        }));
        checks.Add(await RunAsync(id, "discovery already cancelled ends with cancellation", type, config, http, async plugin =>
        {
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            try
            {
                await plugin.DiscoverAsync(new ValidationSink(), cancelled.Token).WaitAsync(Limit, cancellationToken);
                return "it returned normally";
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }));
        return checks;
    }

    private static PluginCheck Static(string id, string check, IReadOnlyList<string> problems) => Result(id, check, problems.Count == 0 ? null : string.Join(" ", problems));

    private static PluginCheck Result(string id, string check, string? failure) => new(id, check, failure is null, failure ?? string.Empty);

    /// <summary>Runs one behaviour check on a fresh instance; an exception (other than the caller's cancellation) fails it, with the secret redacted.</summary>
    private static async Task<PluginCheck> RunAsync(string id, string check, IPluginType type, PluginConfiguration config, IHttpClientFactory http, Func<IPlugin, Task<string?>> run)
    {
        try
        {
            await using IPlugin plugin = type.Create(config, Context(http));
            string? failure = await run(plugin);
            return Result(id, check, failure);
        }
        catch (TimeoutException)
        {
            return Result(id, check, $"did not finish within {Limit.TotalSeconds:F0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Result(id, check, $"threw {ex.GetType().Name}: {ex.Message.Replace(SecretSentinel, "***", StringComparison.Ordinal)}");
        }
    }

    private static PluginContext Context(IHttpClientFactory http) => new(
        "sd-validate",
        "sd-validate",
        http,
        TimeProvider.System,
        NullLoggerFactory.Instance,
        new ProviderHttpOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromSeconds(10) });

    /// <summary>Every required or secret field: URLs at a closed loopback port, secrets the sentinel, other values of their type.</summary>
    private static JsonObject Synthesize(IReadOnlyList<ConfigField> fields)
    {
        Uri closed = ClosedLoopbackUrl();
        var raw = new JsonObject();
        foreach (ConfigField field in fields.Where(f => (f.Required && f.Default is null) || (f.Secret && f.Type == ConfigFieldType.String)))
        {
            raw[field.Name] = field.Type switch
            {
                ConfigFieldType.Url => closed.ToString(),
                ConfigFieldType.Integer => 1,
                ConfigFieldType.Boolean => false,
                ConfigFieldType.StringList => new JsonArray("validate"),
                ConfigFieldType.StringMap => new JsonObject(),
                _ when field.Secret => SecretSentinel,
                _ => "validate",
            };
        }

        return raw;
    }

    private static Uri ClosedLoopbackUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Keeps scope outcomes and whether anything reported carried the secret sentinel.</summary>
    private sealed class ValidationSink : IDiscoverySink
    {
        public ConcurrentBag<string> CompletedScopes { get; } = [];

        public bool Leaks { get; private set; }

        public ValueTask AddAssetAsync(DiscoveredAsset asset, CancellationToken cancellationToken = default)
        {
            Check(asset.ToString() + asset.Attributes.ToJsonString());
            return ValueTask.CompletedTask;
        }

        public ValueTask AddEdgeAsync(DiscoveredEdge edge, CancellationToken cancellationToken = default)
        {
            Check(edge.ToString());
            return ValueTask.CompletedTask;
        }

        public void ScopeCompleted(string scope) => CompletedScopes.Add(scope);

        public void ScopeFailed(string scope, string error) => Check(scope + error);

        public void ScopeIncomplete(string scope, string warning) => Check(scope + warning);

        public void ScopeUnavailable(string scope, string reason) => Check(scope + reason);

        private void Check(string text) => Leaks |= text.Contains(SecretSentinel, StringComparison.Ordinal);
    }
}
