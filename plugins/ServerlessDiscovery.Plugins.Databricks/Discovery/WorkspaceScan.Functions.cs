using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Http;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Databricks.Discovery;

internal sealed partial class WorkspaceScan
{
    /// <summary>Every catalog holds one; it lists views of metadata, never functions.</summary>
    private const string InformationSchema = "information_schema";

    public string UnityCatalogFunctionId(string fullName) => $"{host}/unity-catalog/functions/{fullName.ToLowerInvariant()}";

    /// <summary>
    /// Unity Catalog functions, the tools agents call. catalog.FunctionsAPI List (GET /api/2.1/unity-catalog/functions)
    /// requires catalog_name and schema_name, so the scan walks catalog.CatalogsAPI List (GET /api/2.1/unity-catalog/catalogs)
    /// and catalog.SchemasAPI List (GET /api/2.1/unity-catalog/schemas?catalog_name=), each paged with max_results /
    /// page_token and include_browse=true (without it what the principal holds only BROWSE on is left out). Catalogs and
    /// schemas are bounded by <see cref="ScanLimits"/>; what is past a bound, or one catalog or schema that cannot be
    /// listed, is a warning and leaves the scope incomplete, never a failed scope.
    /// </summary>
    public async Task FunctionsAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        var catalogs = new List<string>();
        bool moreCatalogs = false;
        await foreach (JsonElement catalog in client.ListAsync("ListCatalogs", $"api/2.1/unity-catalog/catalogs?max_results={pageSize}&include_browse=true", "catalogs", cancellationToken).ConfigureAwait(false))
        {
            if (catalogs.Count == limits.MaxFunctionCatalogs)
            {
                moreCatalogs = true;
                break;
            }

            catalogs.Add(Required("ListCatalogs", catalog, "name"));
        }

        if (moreCatalogs)
        {
            await PastLimitAsync(run, $"catalogs after the first {limits.MaxFunctionCatalogs}", "functions_max_catalogs", cancellationToken).ConfigureAwait(false);
        }

        int schemas = 0;
        foreach (string catalog in catalogs)
        {
            var names = new List<string>();
            bool moreSchemas = false;
            await run.ItemAsync($"schemas of catalog {catalog}", async ct =>
            {
                string path = $"api/2.1/unity-catalog/schemas?catalog_name={Uri.EscapeDataString(catalog)}&max_results={pageSize}&include_browse=true";
                await foreach (JsonElement schema in client.ListAsync("ListSchemas", path, "schemas", ct).ConfigureAwait(false))
                {
                    string name = Required("ListSchemas", schema, "name");
                    if (string.Equals(name, InformationSchema, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    if (schemas + names.Count == limits.MaxFunctionSchemas)
                    {
                        moreSchemas = true;
                        break;
                    }

                    names.Add(name);
                }
            }, cancellationToken).ConfigureAwait(false);

            schemas += names.Count;
            foreach (string schema in names)
            {
                await run.ItemAsync($"functions of schema {catalog}.{schema}", ct => SchemaFunctionsAsync(run, catalog, schema, ct), cancellationToken).ConfigureAwait(false);
            }

            if (moreSchemas)
            {
                await PastLimitAsync(run, $"schemas after the first {limits.MaxFunctionSchemas}", "functions_max_schemas", cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task SchemaFunctionsAsync(ScopeRun run, string catalog, string schema, CancellationToken cancellationToken)
    {
        string path = $"api/2.1/unity-catalog/functions?catalog_name={Uri.EscapeDataString(catalog)}&schema_name={Uri.EscapeDataString(schema)}&max_results={pageSize}&include_browse=true";
        await foreach (JsonElement function in client.ListAsync("ListFunctions", path, "functions", cancellationToken).ConfigureAwait(false))
        {
            string fullName = Text(function, "full_name") ?? $"{catalog}.{schema}.{Required("ListFunctions", function, "name")}";
            var parameters = new JsonArray();
            foreach (JsonElement parameter in Array(Object(function, "input_params"), "parameters"))
            {
                parameters.Add(new JsonObject { ["name"] = Text(parameter, "name"), ["type"] = Text(parameter, "type_text") ?? Text(parameter, "type_name") });
            }

            // routine_definition (the body) is not copied: it is code, and may embed literals nobody meant to inventory.
            await run.Sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Tool, UnityCatalogFunctionId(fullName), fullName, run.Scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["kind"] = "uc_function",
                    ["catalog_name"] = Text(function, "catalog_name") ?? catalog,
                    ["schema_name"] = Text(function, "schema_name") ?? schema,
                    ["owner"] = Text(function, "owner"),
                    ["comment"] = Text(function, "comment"),
                    ["data_type"] = Text(function, "full_data_type") ?? Text(function, "data_type"),
                    ["routine_body"] = Text(function, "routine_body"),
                    ["external_language"] = Text(function, "external_language"),
                    ["security_type"] = Text(function, "security_type"),
                    ["sql_data_access"] = Text(function, "sql_data_access"),
                    ["is_deterministic"] = Node(function, "is_deterministic"),
                    ["input_params"] = parameters.Count > 0 ? parameters : null,
                    ["created_by"] = Text(function, "created_by"),
                    ["browse_only"] = Node(function, "browse_only"),
                },
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Part of the workspace was left unread on purpose: a warning naming the setting, so nothing is tombstoned.</summary>
    private static Task<bool> PastLimitAsync(ScopeRun run, string what, string setting, CancellationToken cancellationToken) =>
        run.ItemAsync(what, _ => throw new ProviderException($"not searched: raise {setting} to read them."), cancellationToken);
}
