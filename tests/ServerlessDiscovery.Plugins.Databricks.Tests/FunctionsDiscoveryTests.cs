using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Databricks.Tests;

/// <summary>
/// Unity Catalog functions as tools, against databricks-sdk-go service/catalog (Unity Catalog API 2.1):
/// CatalogsAPI List (GET /api/2.1/unity-catalog/catalogs, ListCatalogsRequest include_browse / max_results / page_token,
/// ListCatalogsResponse catalogs / next_page_token), SchemasAPI List (GET /api/2.1/unity-catalog/schemas, catalog_name
/// required, ListSchemasResponse schemas) and FunctionsAPI List (GET /api/2.1/unity-catalog/functions, catalog_name and
/// schema_name required, ListFunctionsResponse functions / next_page_token; FunctionInfo browse_only, input_params).
/// Lists omit empty arrays; errors are {"error_code","message"}.
/// </summary>
public sealed class FunctionsDiscoveryTests : IAsyncLifetime
{
    private FakeWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await FakeWorkspace.StartAsync();

    public async Task DisposeAsync() => await _ws.DisposeAsync();

    private string Scope(string api) => $"databricks:{_ws.Host}:{api}";

    private string FunctionId(string fullName) => $"{_ws.Host}/unity-catalog/functions/{fullName}";

    /// <summary>Answers a paged list per value of <paramref name="key"/> (a query parameter), page n pointing at "p{n+1}".</summary>
    private void PagesBy(string path, string key, string property, Dictionary<string, string[][]> pagesByKey) => _ws.Route(path, context =>
    {
        if (context.Request.Query["include_browse"] != "true")
        {
            return FakeWorkspace.WriteAsync(context, 200, "{}");
        }

        if (!pagesByKey.TryGetValue(context.Request.Query[key].ToString(), out string[][]? pages))
        {
            return FakeWorkspace.WriteAsync(context, 404, $$"""{"error_code":"NOT_FOUND","message":"'{{context.Request.Query[key]}}' does not exist."}""");
        }

        string token = context.Request.Query["page_token"].ToString();
        int page = token.Length == 0 ? 0 : int.Parse(token[1..], System.Globalization.CultureInfo.InvariantCulture);
        string items = pages[page].Length == 0 ? string.Empty : $"\"{property}\": [{string.Join(',', pages[page])}]";
        string next = page + 1 < pages.Length ? $"\"next_page_token\": \"p{page + 1}\"" : string.Empty;
        return FakeWorkspace.WriteAsync(context, 200, $"{{{string.Join(',', new[] { items, next }.Where(p => p.Length > 0))}}}");
    });

    private void Catalogs(params string[][] pages) => PagesBy("/api/2.1/unity-catalog/catalogs", "include_browse", "catalogs", new() { ["true"] = pages });

    private void Schemas(Dictionary<string, string[][]> byCatalog) => PagesBy("/api/2.1/unity-catalog/schemas", "catalog_name", "schemas", byCatalog);

    private static string[][] Names(params string[] names) => [.. names.Select(n => new[] { $$"""{"name":"{{n}}"}""" })];

    /// <summary>Functions of "catalog.schema", each schema its own pages.</summary>
    private void Functions(Dictionary<string, string[][]> bySchema) => _ws.Route("/api/2.1/unity-catalog/functions", context =>
    {
        string key = $"{context.Request.Query["catalog_name"]}.{context.Request.Query["schema_name"]}";
        if (!bySchema.TryGetValue(key, out string[][]? pages) || context.Request.Query["include_browse"] != "true")
        {
            return FakeWorkspace.WriteAsync(context, 200, "{}");
        }

        string token = context.Request.Query["page_token"].ToString();
        int page = token.Length == 0 ? 0 : int.Parse(token[1..], System.Globalization.CultureInfo.InvariantCulture);
        string next = page + 1 < pages.Length ? $", \"next_page_token\": \"p{page + 1}\"" : string.Empty;
        return FakeWorkspace.WriteAsync(context, 200, $"{{\"functions\": [{string.Join(',', pages[page])}]{next}}}");
    });

    [Fact]
    public async Task Discover_FunctionsOverPagedCatalogsSchemasAndFunctions_ReportsEachAsAToolTheAppsLinkTo()
    {
        Catalogs(["""{"name":"main","owner":"admins"}"""], ["""{"name":"system","catalog_type":"SYSTEM_CATALOG"}"""]);
        Schemas(new()
        {
            ["main"] = [["""{"name":"tools","catalog_name":"main"}""", """{"name":"information_schema"}"""], ["""{"name":"empty"}"""]],
            ["system"] = Names("ai"),
        });
        Functions(new()
        {
            ["main.tools"] =
            [
                ["""{"name":"Lookup_Order","catalog_name":"main","schema_name":"tools","full_name":"main.tools.Lookup_Order","owner":"support","comment":"Order status by id","data_type":"TABLE_TYPE","full_data_type":"TABLE(status STRING)","routine_body":"SQL","routine_definition":"SELECT * FROM orders WHERE key = 'sk-live'","security_type":"DEFINER","sql_data_access":"READS_SQL_DATA","is_deterministic":true,"input_params":{"parameters":[{"name":"order_id","type_text":"string","type_name":"STRING","position":0}]}}"""],
                ["""{"name":"refund","catalog_name":"main","schema_name":"tools","full_name":"main.tools.refund","routine_body":"EXTERNAL","external_language":"Python","browse_only":true}"""],
            ],
            ["system.ai"] = [["""{"name":"python_exec","catalog_name":"system","schema_name":"ai","full_name":"system.ai.python_exec","routine_body":"EXTERNAL","external_language":"Python"}"""]],
        });
        _ws.Json("/api/2.0/apps", """{"apps":[{"name":"support-chat","resources":[{"name":"lookup","uc_securable":{"securable_full_name":"main.tools.Lookup_Order","securable_type":"FUNCTION","permission":"EXECUTE"}}]}]}""");

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["apis"] = "functions,apps" });

        Assert.Equal([Scope("apps"), Scope("functions")], sink.CompletedScopes.Order());
        Assert.Empty(sink.Warnings);
        DiscoveredAsset lookup = sink.Single(AssetTypes.Tool, FunctionId("main.tools.lookup_order"));
        Assert.Equal("main.tools.Lookup_Order", lookup.Name);
        Assert.Equal("uc_function", (string?)lookup.Attributes["kind"]);
        Assert.Equal("TABLE(status STRING)", (string?)lookup.Attributes["data_type"]);
        Assert.Equal("order_id", (string?)lookup.Attributes["input_params"]![0]!["name"]);
        Assert.DoesNotContain("sk-live", lookup.Attributes.ToJsonString(), StringComparison.Ordinal);
        Assert.True((bool)sink.Single(AssetTypes.Tool, FunctionId("main.tools.refund")).Attributes["browse_only"]!);
        Assert.Equal("Python", (string?)sink.Single(AssetTypes.Tool, FunctionId("system.ai.python_exec")).Attributes["external_language"]);
        Assert.Equal(3, sink.Assets.Count(a => a.Type == AssetTypes.Tool));

        // The app's uses_tool edge resolves to the reported tool.
        DiscoveredEdge uses = Assert.Single(sink.Edges, e => e.Relationship == Relationships.UsesTool);
        Assert.Equal((AssetTypes.Tool, lookup.Id), (uses.TargetType, uses.TargetId));

        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/unity-catalog/catalogs" && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/unity-catalog/schemas" && r.Query.Contains("catalog_name=main", StringComparison.Ordinal) && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/unity-catalog/functions" && r.Query.Contains("schema_name=tools", StringComparison.Ordinal) && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
        Assert.DoesNotContain(_ws.Server.Requests, r => r.Query.Contains("schema_name=information_schema", StringComparison.Ordinal));
        Assert.All(_ws.Server.Requests.Where(r => r.Path.StartsWith("/api/2.1/unity-catalog/", StringComparison.Ordinal)), r =>
        {
            Assert.Contains("include_browse=true", r.Query, StringComparison.Ordinal);
            Assert.Contains("max_results=100", r.Query, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Discover_OneSchemaAndOneCatalogForbidden_WarnsForEachAndReportsTheirSiblings()
    {
        Catalogs(["""{"name":"main"}""", """{"name":"finance"}""", """{"name":"ops"}"""]);
        _ws.Route("/api/2.1/unity-catalog/schemas", context => context.Request.Query["catalog_name"] == "finance"
            ? FakeWorkspace.WriteAsync(context, 403, """{"error_code":"PERMISSION_DENIED","message":"User does not have USE CATALOG on Catalog 'finance'."}""")
            : FakeWorkspace.WriteAsync(context, 200, context.Request.Query["catalog_name"] == "main" ? """{"schemas":[{"name":"tools"},{"name":"secret"}]}""" : """{"schemas":[{"name":"tools"}]}"""));
        _ws.Route("/api/2.1/unity-catalog/functions", context => context.Request.Query["schema_name"] == "secret"
            ? FakeWorkspace.WriteAsync(context, 403, """{"error_code":"PERMISSION_DENIED","message":"User does not have USE SCHEMA on Schema 'main.secret'."}""")
            : FakeWorkspace.WriteAsync(context, 200, $$"""{"functions":[{"full_name":"{{context.Request.Query["catalog_name"]}}.tools.f","name":"f"}]}"""));

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["apis"] = "functions" });

        Assert.Empty(sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Equal(2, sink.Warnings.Count);
        Assert.Contains(sink.Warnings, w => w.Warning.Contains("schemas of catalog finance", StringComparison.Ordinal) && w.Warning.Contains("PERMISSION_DENIED", StringComparison.Ordinal));
        Assert.Contains(sink.Warnings, w => w.Warning.Contains("functions of schema main.secret", StringComparison.Ordinal));
        sink.Single(AssetTypes.Tool, FunctionId("main.tools.f"));
        sink.Single(AssetTypes.Tool, FunctionId("ops.tools.f"));
    }

    [Fact]
    public async Task Discover_FunctionsThrottledWithRetryAfter_WaitsAndCompletes()
    {
        Catalogs(["""{"name":"main"}"""]);
        Schemas(new() { ["main"] = Names("tools") });
        int calls = 0;
        _ws.Route("/api/2.1/unity-catalog/functions", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeWorkspace.WriteAsync(context, 429, """{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"Too many requests."}""");
            }

            return FakeWorkspace.WriteAsync(context, 200, """{"functions":[{"full_name":"main.tools.a","name":"a"}]}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["apis"] = "functions" });

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Equal([Scope("functions")], sink.CompletedScopes);
        sink.Single(AssetTypes.Tool, FunctionId("main.tools.a"));
    }

    /// <summary>A workspace with no Unity Catalog metastore answers METASTORE_DOES_NOT_EXIST to every Unity Catalog call.</summary>
    [Fact]
    public async Task Discover_NoMetastore_ReportsFunctionsUnavailableNotFailed()
    {
        _ws.Json("/api/2.1/unity-catalog/catalogs", """{"error_code":"METASTORE_DOES_NOT_EXIST","message":"No metastore assigned for the current workspace."}""", 404);

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["apis"] = "functions,genie" });

        Assert.Equal([Scope("genie")], sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Contains("METASTORE_DOES_NOT_EXIST", sink.UnavailableScopes[Scope("functions")], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_CatalogsForbidden_FailsTheFunctionsScope()
    {
        _ws.Json("/api/2.1/unity-catalog/catalogs", """{"error_code":"PERMISSION_DENIED","message":"User does not have permission."}""", 403);

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["apis"] = "functions" });

        Assert.Contains("PERMISSION_DENIED", Assert.Single(sink.FailedScopes, s => s.Key == Scope("functions")).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_MoreCatalogsAndSchemasThanTheLimits_ReadsUpToThemAndLeavesTheScopeIncomplete()
    {
        Catalogs(["""{"name":"a"}""", """{"name":"b"}"""], ["""{"name":"c"}"""]);
        Schemas(new() { ["a"] = Names("s1", "s2"), ["b"] = Names("s1", "s2") });
        Functions(new()
        {
            ["a.s1"] = [["""{"full_name":"a.s1.f","name":"f"}"""]],
            ["a.s2"] = [["""{"full_name":"a.s2.f","name":"f"}"""]],
            ["b.s1"] = [["""{"full_name":"b.s1.f","name":"f"}"""]],
            ["b.s2"] = [["""{"full_name":"b.s2.f","name":"f"}"""]],
        });

        RecordingSink sink = await DiscoverAsync(new JsonObject { ["apis"] = "functions", ["functions_max_catalogs"] = 2, ["functions_max_schemas"] = 3 });

        Assert.Empty(sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Equal(["a.s1.f", "a.s2.f", "b.s1.f"], sink.Assets.Select(a => a.Name).Order());
        Assert.Contains(sink.Warnings, w => w.Warning.Contains("functions_max_catalogs", StringComparison.Ordinal));
        Assert.Contains(sink.Warnings, w => w.Warning.Contains("functions_max_schemas", StringComparison.Ordinal));
        Assert.DoesNotContain(_ws.Server.Requests, r => r.Query.Contains("catalog_name=c", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_001)]
    public void Validate_FunctionCatalogLimitOutOfRange_NamesTheField(int value)
    {
        var raw = new JsonObject { ["workspace_url"] = "https://adb-1.azuredatabricks.net/", ["token"] = FakeWorkspace.Pat, ["functions_max_catalogs"] = value };

        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(new DatabricksPluginType(), raw);

        Assert.Null(config);
        Assert.Contains(errors, e => e.Field == "functions_max_catalogs");
    }

    private async Task<RecordingSink> DiscoverAsync(JsonObject raw)
    {
        raw["workspace_url"] = _ws.Server.BaseAddress.ToString();
        raw["token"] = FakeWorkspace.Pat;
        var type = new DatabricksPluginType();
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        await using IPlugin plugin = type.Create(config, TestPluginContext.Create());
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }
}
