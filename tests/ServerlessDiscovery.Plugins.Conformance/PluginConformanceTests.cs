using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Validation;
using Xunit;

namespace ServerlessDiscovery.Plugins.Conformance;

/// <summary>
/// The contract every plugin type keeps. A plugin's test project derives one class from this and supplies
/// configurations; every test here then runs against that plugin.
/// </summary>
public abstract class PluginConformanceTests<TPluginType>
    where TPluginType : IPluginType, new()
{
    /// <summary>A value put in every secret field; it must never come back out of the plugin.</summary>
    public const string SecretSentinel = "SENTINEL-Secret-7f3a9c";

    protected TPluginType PluginType { get; } = new();

    /// <summary>A valid configuration whose endpoints are <paramref name="unreachable"/> (nothing listens there).</summary>
    protected abstract JsonObject CreateConfiguration(Uri unreachable);

    /// <summary>Configurations that must fail validation, each with the field expected to be named.</summary>
    protected virtual IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations => [];

    /// <summary>
    /// True for a plugin whose data is pushed to the service (OTLP): it has no provider to reach, so the two
    /// "unreachable provider" tests instead require that discovery reports no scope at all (nothing is deleted or
    /// marked stale) and verify succeeds, both without throwing or leaking a secret.
    /// </summary>
    protected virtual bool IsPushSource => false;

    [Fact]
    public void Metadata_IsComplete()
    {
        IReadOnlyList<string> problems = PluginChecks.MetadataProblems(PluginType);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Metadata_SecretLookingFields_AreFlaggedSecret()
    {
        IReadOnlyList<string> problems = PluginChecks.UnflaggedSecrets(PluginType);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Validate_Empty_ListsEveryRequiredFieldWithoutDefault()
    {
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(PluginType, new JsonObject());
        string[] required = [.. PluginType.Metadata.ConfigFields.Where(f => f.Required && f.Default is null).Select(f => f.Name)];
        if (required.Length == 0)
        {
            Assert.NotNull(config);
            return;
        }

        Assert.Null(config);
        Assert.Equal(required.Order(), errors.Select(e => e.Field).Distinct().Order());
    }

    [Fact]
    public void Validate_UnknownField_IsRejected()
    {
        JsonObject raw = CreateConfiguration(TestPluginContext.ClosedLoopbackUrl());
        raw["no_such_field"] = "x";
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(PluginType, raw);
        Assert.Null(config);
        Assert.Contains(errors, e => e.Field == "no_such_field");
    }

    [Fact]
    public void Validate_ValidConfiguration_Passes()
    {
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(PluginType, CreateConfiguration(TestPluginContext.ClosedLoopbackUrl()));
        Assert.True(config is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
    }

    [Fact]
    public void Validate_InvalidConfigurations_AreRejectedNamingTheField()
    {
        foreach ((JsonObject raw, string field) in InvalidConfigurations)
        {
            (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(PluginType, raw);
            Assert.Null(config);
            Assert.Contains(errors, e => e.Field == field);
        }
    }

    [Fact]
    public void MaskedConfiguration_HidesEverySecret()
    {
        PluginConfiguration config = ValidWithSecrets(TestPluginContext.ClosedLoopbackUrl());
        string masked = config.ToMaskedJson().ToJsonString();
        Assert.DoesNotContain(SecretSentinel, masked, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretSentinel, config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_UnreachableProvider_ReportsFailedScopesWithoutThrowingOrLeakingSecrets()
    {
        var logs = new CapturingLoggerFactory();
        await using IPlugin plugin = PluginType.Create(ValidWithSecrets(TestPluginContext.ClosedLoopbackUrl()), TestPluginContext.Create(loggerFactory: logs));
        var sink = new RecordingSink();

        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));

        if (IsPushSource)
        {
            Assert.Empty(sink.Scopes);
        }
        else
        {
            Assert.NotEmpty(sink.FailedScopes);
        }

        Assert.Empty(sink.CompletedScopes);
        Assert.All(sink.FailedScopes, s => Assert.DoesNotContain(SecretSentinel, s.Value!, StringComparison.Ordinal));
        Assert.DoesNotContain(SecretSentinel, logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UnreachableProvider_FailsWithoutThrowingOrLeakingSecrets()
    {
        await using IPlugin plugin = PluginType.Create(ValidWithSecrets(TestPluginContext.ClosedLoopbackUrl()), TestPluginContext.Create());

        VerifyResult result = await plugin.VerifyConnectionAsync().WaitAsync(TimeSpan.FromMinutes(1));

        if (IsPushSource)
        {
            Assert.True(result.Success);
            Assert.Null(result.Error);
            return;
        }

        Assert.False(result.Success);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.DoesNotContain(SecretSentinel, result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_AlreadyCancelled_EndsWithCancellation()
    {
        await using IPlugin plugin = PluginType.Create(ValidWithSecrets(TestPluginContext.ClosedLoopbackUrl()), TestPluginContext.Create());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var sink = new RecordingSink();

        Task discovery = plugin.DiscoverAsync(sink, cancelled.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => discovery.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(sink.CompletedScopes);
    }

    /// <summary>The plugin's valid configuration with every secret field set to <see cref="SecretSentinel"/>.</summary>
    protected PluginConfiguration ValidWithSecrets(Uri unreachable)
    {
        JsonObject raw = CreateConfiguration(unreachable);
        foreach (ConfigField field in PluginType.Metadata.ConfigFields.Where(f => f.Secret && f.Type == ConfigFieldType.String))
        {
            if (raw.ContainsKey(field.Name))
            {
                raw[field.Name] = SecretSentinel;
            }
        }

        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(PluginType, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        return config;
    }
}
