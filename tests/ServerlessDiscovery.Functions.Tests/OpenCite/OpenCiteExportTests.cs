using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// OpenCITE's export and status documents as its GUI's exportData() asks for them (GET /api/v1/status, then POST
/// /api/v1/export with {plugins: status.plugins_enabled}) and as its REST reference shows them (docs/REST_API.md,
/// "Discovery Status", "Export", "Persistence"). The export's fields and types are asserted against what
/// schema/opencite-schema.json (draft-07, "Open-CITE Discovery Schema") requires of each definition: Tool, Model,
/// DataAsset, MCPServer, MCPTool and MCPResource need id (MCPResource: uri) and name, discovery_source or server_id as
/// strings, and its enumerations (Tool.type, MCPServer.transport and discovery_source, MCPTool.discovery_source) hold.
/// </summary>
public sealed class OpenCiteExportTests(OpenCiteEstate estate) : IClassFixture<OpenCiteEstate>
{
    private static readonly string[] ToolTypes = ["application", "service", "library", "agent", "chatbot", "unknown"];

    [Fact]
    public async Task GuiExportData_StatusThenExport_IsAnOpenCiteExport()
    {
        string tenant = await estate.SeedAsync("export");
        using HttpClient client = estate.Client(tenant);

        JsonObject status = await OpenCiteEstate.GetObjectAsync(client, "api/v1/status");
        JsonObject export = await OpenCiteEstate.PostObjectAsync(client, "api/v1/export", new JsonObject { ["plugins"] = status["plugins_enabled"]!.DeepClone() });

        Assert.Matches(@"^\d+\.\d+\.\d+$", (string?)export["opencite_version"]);
        Assert.True(DateTimeOffset.TryParse((string?)export["export_timestamp"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal(["opentelemetry", "test.fake"], export["plugins"]!.AsArray().Select(p => (string?)p!["name"]));
        Assert.Equal("serverlessdiscovery", (string?)export["metadata"]!["generated_by"]);
        Assert.NotNull(export["metadata"]!["generated_at"]);
        Assert.Equal(export["tools"]!.AsArray().Count, export["metadata"]!["statistics"]!["total_tools"]!.GetValue<int>());

        RequireStrings(export, "tools", "id", "name", "discovery_source");
        RequireStrings(export, "models", "id", "name", "discovery_source");
        RequireStrings(export, "data_assets", "id", "name", "type", "discovery_source");
        RequireStrings(export, "mcp_servers", "id", "name", "discovery_source");
        RequireStrings(export, "mcp_tools", "id", "name", "server_id");
        RequireStrings(export, "mcp_resources", "id", "uri", "server_id");
        Assert.Equal(0, export["mcp_resources"]!.AsArray().Single()!["usage"]!["access_count"]!.GetValue<long>());
        Assert.All(export["tools"]!.AsArray(), t => Assert.Contains((string?)t!["type"], ToolTypes));
        Assert.All(export["mcp_servers"]!.AsArray(), s =>
        {
            Assert.Contains((string?)s!["transport"], new[] { "stdio", "http", "sse", "unknown" });
            Assert.Contains((string?)s["discovery_source"], new[] { "config_file", "environment", "network", "trace", "litellm", "manual" });
            Assert.Equal(JsonValueKind.Number, s["tools_count"]!.GetValueKind());
        });
        Assert.All(export["mcp_tools"]!.AsArray(), t => Assert.Contains((string?)t!["discovery_source"], new[] { "introspection", "trace", "config", "litellm", "manual" }));

        // Every object-valued metadata, and nothing null where the schema types a field: ours ride under metadata.attributes.
        foreach (string list in new[] { "tools", "models", "data_assets", "mcp_servers", "mcp_tools", "mcp_resources" })
        {
            Assert.All(export[list]!.AsArray(), item =>
            {
                Assert.Equal(JsonValueKind.Object, item!["metadata"]!.GetValueKind());
                Assert.DoesNotContain(item.AsObject(), p => p.Value is null);
            });
        }

        JsonObject model = export["models"]!.AsArray().Single(m => (string?)m!["id"] == "openai/gpt-4o")!.AsObject();
        Assert.Equal(1, model["usage"]!["total_calls"]!.GetValue<long>());
        Assert.Equal("prod", (string?)export["models"]!.AsArray().Single(m => (string?)m!["id"] == "azure/chat-deployment")!["metadata"]!["attributes"]!["environment"]);
        Assert.Equal(["planner"], export["agents"]!.AsArray().Select(a => (string?)a!["id"]));
        Assert.Equal(["http/payments"], export["downstream_systems"]!.AsArray().Select(a => (string?)a!["id"]));
        Assert.Contains(export["relationships"]!.AsArray(), r => (string?)r!["relationship_type"] == "uses_model");
        Assert.Equal(tenant, (string?)export["tenant"]);
        Assert.False(export["truncated"]!.GetValue<bool>());
        await DumpForSchemaCheckAsync(export);
    }

    [Fact]
    public async Task Export_NoBody_ExportsAndCreditsTheTenantsPlugins()
    {
        string tenant = await estate.SeedAsync("nobody");
        using HttpClient client = estate.Client(tenant);

        JsonObject export = await OpenCiteEstate.PostObjectAsync(client, "api/v1/export", null);

        // The tenant's instances: the scanned one, and the one OTLP traces arrive through.
        Assert.Equal(["opentelemetry", "test.fake"], export["plugins"]!.AsArray().Select(p => (string?)p!["name"]));
        Assert.NotEmpty(export["models"]!.AsArray());
    }

    /// <summary>Deliberate difference: OpenCITE filters by a body integration_id; the tenant is chosen by the request, never by the body.</summary>
    [Theory]
    [InlineData("{\"integration_id\":\"someone-else\"}", "integration_id")]
    [InlineData("{\"integration_id\":7}", "integration_id")]
    [InlineData("{\"plugins\":\"opentelemetry\"}", "plugins")]
    public async Task Export_BadBody_Answers400NamingTheField(string body, string field)
    {
        using HttpClient client = estate.Client("export-bad");

        using HttpResponseMessage response = await client.PostAsync("api/v1/export", new StringContent(body, Encoding.UTF8, "application/json"));

        await OpenCiteEstate.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Export_NotJson_Answers415()
    {
        using HttpClient client = estate.Client("export-xml");

        using HttpResponseMessage response = await client.PostAsync("api/v1/export", new StringContent("<plugins/>", Encoding.UTF8, "application/xml"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task RestReference_Status_HasOpenCiteFieldsAndOurInstances()
    {
        string tenant = await estate.SeedAsync("status");
        using HttpClient client = estate.Client(tenant);

        JsonObject status = await OpenCiteEstate.GetObjectAsync(client, "api/v1/status");

        Assert.True(status["running"]!.GetValue<bool>());
        Assert.Equal(["opentelemetry", "test.fake"], status["plugins_enabled"]!.AsArray().Select(p => (string?)p));
        Assert.NotNull(status["last_updated"]);
        Assert.Null(status["error"]);
        Assert.Equal("Plugins configured - ready to discover assets", (string?)status["current_status"]);
        JsonObject step = status["progress"]!.AsArray().Single(s => (string?)s!["step"] == "catalog")!.AsObject();
        Assert.Equal("success", (string?)step["status"]);
        Assert.Equal("test.fake: last scan succeeded", (string?)step["message"]);
        Assert.Equal(2, status["count"]!.GetValue<int>());
        Assert.Equal(tenant, (string?)status["tenant"]);
    }

    [Fact]
    public async Task Status_NoInstances_IsIdle()
    {
        using HttpClient client = estate.Client("status-empty-" + Guid.NewGuid().ToString("N")[..8]);

        JsonObject status = await OpenCiteEstate.GetObjectAsync(client, "api/v1/status");

        Assert.False(status["running"]!.GetValue<bool>());
        Assert.Empty(status["plugins_enabled"]!.AsArray());
        Assert.Equal("Idle", (string?)status["current_status"]);
        Assert.Null(status["last_updated"]);
    }

    [Fact]
    public async Task RestReference_StatsAndPersistence_AnswerOpenCiteDocuments()
    {
        string tenant = await estate.SeedAsync("persist");
        using HttpClient client = estate.Client(tenant);
        using HttpClient empty = estate.Client("persist-empty-" + Guid.NewGuid().ToString("N")[..8]);

        JsonObject stats = await OpenCiteEstate.GetObjectAsync(client, "api/v1/stats");
        JsonObject emptyStats = await OpenCiteEstate.GetObjectAsync(empty, "api/v1/stats");
        JsonObject persistence = await OpenCiteEstate.GetObjectAsync(client, "api/v1/persistence/status");
        JsonObject dump = await OpenCiteEstate.GetObjectAsync(client, "api/v1/persistence/export");
        JsonObject save = await OpenCiteEstate.PostObjectAsync(client, "api/v1/persistence/save", null);
        JsonObject load = await OpenCiteEstate.PostObjectAsync(client, "api/v1/persistence/load", null);

        Assert.True(DateTimeOffset.TryParse((string?)stats["last_modified"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Null(emptyStats["last_modified"]);
        Assert.True(persistence["enabled"]!.GetValue<bool>());
        JsonObject counts = persistence["stats"]!.AsObject();
        Assert.Equal(1, counts["tools"]!.GetValue<int>());
        Assert.Equal(2, counts["models"]!.GetValue<int>());
        Assert.Equal(1, counts["agents"]!.GetValue<int>());
        Assert.Equal(2, counts["downstream_systems"]!.GetValue<int>());
        Assert.Equal(1, counts["mcp_servers"]!.GetValue<int>());
        Assert.True(counts["lineage_relationships"]!.GetValue<int>() >= 3);
        Assert.NotNull(dump["exported_at"]);
        Assert.Equal("openai/gpt-4o", (string?)dump["models"]!["openai/gpt-4o"]!["id"]);
        Assert.True(dump["tools"]!.AsObject().ContainsKey("search_flights"));
        Assert.NotEmpty(dump["lineage"]!.AsArray());
        Assert.True(save["success"]!.GetValue<bool>());
        Assert.True(load["success"]!.GetValue<bool>());
    }

    /// <summary>
    /// For the by-hand check against OpenCITE's own schema (scripts/check-opencite-export.sh): with
    /// SD_OPENCITE_EXPORT_OUT set, the export this test asserted on is also written there. Nothing else reads it.
    /// </summary>
    private static async Task DumpForSchemaCheckAsync(JsonObject export)
    {
        if (Environment.GetEnvironmentVariable("SD_OPENCITE_EXPORT_OUT") is { Length: > 0 } path)
        {
            await File.WriteAllTextAsync(path, export.ToJsonString());
        }
    }

    private static void RequireStrings(JsonObject export, string list, params string[] fields)
    {
        JsonArray items = export[list]!.AsArray();
        Assert.NotEmpty(items);
        Assert.All(items, item => Assert.All(fields, f => Assert.True(item![f]?.GetValueKind() == JsonValueKind.String, $"{list}: {f} of {item!.ToJsonString()}")));
    }
}
