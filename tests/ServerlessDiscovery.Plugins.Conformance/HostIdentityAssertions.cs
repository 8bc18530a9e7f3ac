using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using Xunit;

namespace ServerlessDiscovery.Plugins.Conformance;

/// <summary>
/// What every plugin type that can fall back to the host's identity must do: refuse, naming the missing field, when
/// the instance may not use it (a tenant key's), and build normally when it may (the operator's), without calling out.
/// </summary>
public static class HostIdentityAssertions
{
    public static async Task RefusedUnlessPermittedAsync(IPluginType type, JsonObject configWithoutCredentials, string missingField)
    {
        (PluginConfiguration? configuration, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, configWithoutCredentials);
        Assert.True(configuration is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));

        HostIdentityNotPermittedException refused = Assert.Throws<HostIdentityNotPermittedException>(() => type.Create(configuration, TestPluginContext.Create()));
        Assert.Equal(missingField, refused.MissingField);
        Assert.Contains($"config.{missingField} is required", refused.Message, StringComparison.Ordinal);

        await using IPlugin permitted = type.Create(configuration, TestPluginContext.Create(mayUseHostIdentity: true));
        Assert.NotNull(permitted);
    }
}
