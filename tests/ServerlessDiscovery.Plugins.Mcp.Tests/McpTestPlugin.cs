using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Mcp.Tests;

/// <summary>Validates a configuration the way the host does and runs one verify or one discovery with it.</summary>
internal static class McpTestPlugin
{
    public static PluginConfiguration Configure(JsonObject raw)
    {
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(new McpPluginType(), raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        return config;
    }

    /// <summary>One discovery; <paramref name="operatorOwned"/> false is an instance a tenant-bound key configured.</summary>
    public static async Task<RecordingSink> DiscoverAsync(JsonObject raw, CapturingLoggerFactory? logs = null, bool operatorOwned = true)
    {
        await using IPlugin plugin = new McpPluginType().Create(Configure(raw), TestPluginContext.Create(loggerFactory: logs, mayUseHostIdentity: operatorOwned));
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(2));
        return sink;
    }

    public static async Task<VerifyResult> VerifyAsync(JsonObject raw, bool operatorOwned = true)
    {
        await using IPlugin plugin = new McpPluginType().Create(Configure(raw), TestPluginContext.Create(mayUseHostIdentity: operatorOwned));
        return await plugin.VerifyConnectionAsync().WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>Everything a scan produced, as one text, for checking that a secret appears nowhere.</summary>
    public static string Everything(RecordingSink sink) =>
        string.Join('\n', sink.Assets.Select(a => $"{a.Id} {a.Name} {a.Scope} {a.Attributes.ToJsonString()}")
            .Concat(sink.Edges.Select(e => $"{e.SourceId} {e.TargetId} {e.Scope}"))
            .Concat(sink.Scopes.Select(s => $"{s.Key} {s.Value}")));
}
