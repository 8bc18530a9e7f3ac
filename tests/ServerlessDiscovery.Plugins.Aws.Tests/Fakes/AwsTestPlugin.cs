using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Fakes;

/// <summary>Creates plugin instances from raw configuration the way the host does: validation first.</summary>
public static class AwsTestPlugin
{
    public const string AccessKeyId = "AKIDTEST";
    public const string SecretAccessKey = "test-secret-key";
    public const string Account = "123456789012";

    public static JsonObject StaticKeys(params string[] regions) => new()
    {
        ["regions"] = new JsonArray([.. regions.Select(r => (JsonNode?)JsonValue.Create(r))]),
        ["access_key_id"] = AccessKeyId,
        ["secret_access_key"] = SecretAccessKey,
        ["account_id"] = Account,
        ["requests_per_second"] = 0L, // The SDK reads integers as long; an int-typed JsonValue is refused.
    };

    public static IPlugin Create<TType>(JsonObject raw, ProviderHttpOptions? http = null)
        where TType : IPluginType, new()
    {
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(new TType(), raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        return new TType().Create(config, TestPluginContext.Create(http));
    }
}
