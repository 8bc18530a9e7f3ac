using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// Instances, plugin types and the legacy bulk routes, driven with exactly what LangGuard-AI/open-cite sends: its GUI
/// (src/open_cite/gui/templates/index.html: loadPluginTypes, saveInstance, start/stop/removeInstance), its REST
/// reference (docs/REST_API.md: "Instance Management", "Plugin Configuration (Legacy)") and its API tests
/// (tests/test_instance_update_and_verify.py), over HTTP to the real app on Azurite, without a key, as OpenCITE's clients
/// call (a standalone app without Api__Keys serves loopback only).
/// </summary>
public sealed class OpenCiteInstancesTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    private HttpClient Client => _app.Client;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync();

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task Plugins_AsTheGuiLoadsThem_MapOfTypesWithRequiredFields()
    {
        // loadPluginTypes(): pluginTypes = await (await fetch('/api/v1/plugins')).json(); then name, description and
        // required_fields[key].{label, type, default, required} of the chosen type.
        JsonObject plugins = (await Client.GetFromJsonAsync<JsonObject>("api/v1/plugins"))!;
        JsonObject litellm = plugins["litellm"]!.AsObject();
        JsonObject fields = litellm["required_fields"]!.AsObject();

        Assert.Equal("litellm", litellm["plugin_type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(litellm["name"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(litellm["description"]!.GetValue<string>()));
        Assert.Equal("password", fields["master_key"]!["type"]!.GetValue<string>());
        Assert.True(fields["proxy_url"]!["required"]!.GetValue<bool>());
        Assert.Equal("number", fields["page_size"]!["type"]!.GetValue<string>());
        Assert.Equal("100", fields["page_size"]!["default"]!.GetValue<string>());
        Assert.Contains(plugins, p => p.Key == "opentelemetry");
    }

    [Fact]
    public async Task PluginTypes_OpenCiteMap_WithOurFieldsAndAliasesInside()
    {
        JsonObject reply = (await Client.GetFromJsonAsync<JsonObject>("api/v1/plugin-types"))!;
        JsonObject types = reply["plugin_types"]!.AsObject();
        JsonObject bedrock = types["aws.bedrock"]!.AsObject();

        Assert.Equal(types.Count, reply["count"]!.GetValue<int>());
        Assert.True(bedrock["supports_multiple_instances"]!.GetValue<bool>());
        Assert.Equal(["aws_bedrock"], bedrock["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("regions", bedrock["config_aliases"]!["region"]!["field"]!.GetValue<string>());
        Assert.Contains(bedrock["config_fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "regions" && f["type"]!.GetValue<string>() == "list");
        Assert.Contains("access_key_id", bedrock["required_fields"]!.AsObject().Select(f => f.Key));
        Assert.Null(types["google_cloud"]);
        Assert.Equal(["google_cloud"], types["gcp.vertex_ai"]!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    /// <summary>OpenCITE's type ids and config field names (src/open_cite/plugins/*.py plugin_metadata), each accepted as an alias.</summary>
    public static TheoryData<string, string, string, string, string> OpenCiteBodies => new()
    {
        { "aws_bedrock", """{"region": "us-east-1", "access_key_id": "AKIAOPENCITE0001", "secret_access_key": "s3cr3t-opencite"}""", "aws.bedrock", "regions", """["us-east-1"]""" },
        { "aws_sagemaker", """{"region": "eu-west-1", "profile": "default"}""", "aws.sagemaker", "regions", """["eu-west-1"]""" },
        { "azure_ai_foundry", """{"tenant_id": "t1", "client_id": "c1", "client_secret": "cs-opencite", "subscription_id": "00000000-0000-0000-0000-000000000001", "lookback_hours": "24"}""", "azure.ai_foundry", "subscription_ids", """["00000000-0000-0000-0000-000000000001"]""" },
        { "google_cloud", """{"project_id": "my-project", "location": "us-central1"}""", "gcp.vertex_ai", "locations", """["us-central1"]""" },
        { "databricks", """{"host": "https://dbc-xxx.cloud.databricks.com", "token": "dapi-opencite", "warehouse_id": "abc123", "lookback_days": "90"}""", "databricks", "workspace_url", "\"https://dbc-xxx.cloud.databricks.com\"" },
        { "litellm", """{"base_url": "http://localhost:4000", "api_key": "sk-opencite", "poll_interval": "60"}""", "litellm", "proxy_url", "\"http://localhost:4000\"" },
        { "opentelemetry", """{"host": "0.0.0.0", "port": "4318"}""", "opentelemetry", "", "" },
    };

    [Theory]
    [MemberData(nameof(OpenCiteBodies))]
    public async Task Create_OpenCiteTypeIdAndConfigNames_AreAliases(string openCiteType, string config, string ourType, string field, string expected)
    {
        string id = "oc-" + openCiteType.Replace('_', '-');
        using HttpResponseMessage response = await Client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = openCiteType,
            ["instance_id"] = id,
            ["display_name"] = "From OpenCITE",
            ["config"] = JsonNode.Parse(config),
            ["auto_start"] = false,
        });
        string text = await response.Content.ReadAsStringAsync();
        JsonObject instance = JsonNode.Parse(text)!["instance"]!.AsObject();

        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        Assert.Equal(ourType, instance["plugin_type"]!.GetValue<string>());
        Assert.Equal("stopped", instance["status"]!.GetValue<string>());
        if (field.Length > 0)
        {
            Assert.Equal(expected, instance["config"]![field]!.ToJsonString());
        }

        // Ignored aliases (a receiver port, a history window, a warehouse) are not stored; secrets are masked.
        Assert.DoesNotContain("\"port\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("lookback", text, StringComparison.Ordinal);
        Assert.DoesNotContain("warehouse_id", text, StringComparison.Ordinal);
        Assert.DoesNotContain("opencite\"", text.Replace("From OpenCITE", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure_ai_foundry", "resource_group", "rg-prod")]
    [InlineData("azure_ai_foundry", "account_filter", "acct1,acct2")]
    [InlineData("aws_bedrock", "no_such_field", "x")]
    public async Task Create_OpenCiteFieldWithoutEquivalent_400NamesIt(string type, string field, string value)
    {
        // Deliberate difference: OpenCITE narrows an Azure scan with these; ignoring them would scan more than asked.
        JsonObject problem = await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.BadRequest, new JsonObject
        {
            ["plugin_type"] = type,
            ["config"] = new JsonObject { [field] = value },
        });

        Assert.Contains($"config.{field}", problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task Create_OpenCitePluginWeDoNotHave_400NamesTheType()
    {
        JsonObject problem = await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.BadRequest, new JsonObject
        {
            ["plugin_type"] = "splunk",
            ["config"] = new JsonObject { ["splunk_url"] = "https://localhost:8089" },
        });

        Assert.Equal("plugin_type 'splunk' is not a known plugin type; GET /api/v1/plugin-types lists them.", problem["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Aliases_EveryPluginsDeclarations_AreConsistent()
    {
        // Each config alias names a real field and is not itself a field; no type alias is another type's id or alias.
        JsonObject types = (await Client.GetFromJsonAsync<JsonObject>("api/v1/plugin-types"))!["plugin_types"]!.AsObject();
        var typeNames = new HashSet<string>(types.Select(t => t.Key), StringComparer.Ordinal);

        foreach ((string id, JsonNode? type) in types)
        {
            string[] fields = [.. type!["config_fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>())];
            foreach ((string alias, JsonNode? target) in type["config_aliases"]!.AsObject())
            {
                Assert.DoesNotContain(alias, fields);
                if (target!["field"]?.GetValue<string>() is { } field)
                {
                    Assert.Contains(field, fields);
                }
            }

            foreach (string alias in type["aliases"]!.AsArray().Select(a => a!.GetValue<string>()))
            {
                Assert.True(typeNames.Add(alias), $"{id}: alias '{alias}' is taken");
            }
        }
    }

    [Fact]
    public async Task Create_AliasAndItsFieldBoth_400NamesTheAlias()
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = "litellm",
            ["config"] = new JsonObject { ["base_url"] = "http://localhost:4000", ["proxy_url"] = "http://localhost:4001", ["api_key"] = "sk-x" },
        });
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("config.base_url", problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains("config.base_url is another name for proxy_url", problem["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RestReferenceBody_201SuccessInstanceRunning()
    {
        // docs/REST_API.md, POST /api/v1/instances, verbatim.
        using var content = new StringContent("""
            {
                "plugin_type": "databricks",
                "instance_id": "databricks-prod",
                "display_name": "Production Databricks",
                "config": {
                    "host": "https://dbc-xxx.cloud.databricks.com",
                    "token": "dapi..."
                },
                "auto_start": true
            }
            """, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Client.PostAsync("api/v1/instances", content);
        JsonObject reply = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        JsonObject instance = reply["instance"]!.AsObject();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(reply["success"]!.GetValue<bool>());
        Assert.Equal("databricks-prod", instance["instance_id"]!.GetValue<string>());
        Assert.Equal("Production Databricks", instance["display_name"]!.GetValue<string>());
        Assert.Equal("running", instance["status"]!.GetValue<string>());
        Assert.True(instance["auto_start"]!.GetValue<bool>());
        Assert.Equal("********", instance["config"]!["token"]!.GetValue<string>());
        Assert.Contains("model", instance["supported_asset_types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Empty(instance["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task GuiLifecycle_CreateStartStopRemove_RepliesTheGuiReads()
    {
        // saveInstance() → loadInstances() (status) → startInstance() → stopInstance() → removeInstance(); each reads
        // response.ok, result.error on failure, and instances[].{instance_id, display_name, plugin_type, status, config}.
        FakeSource source = FakeSource.Create();
        JsonObject created = await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.Created, new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["display_name"] = "Fake",
            ["config"] = new JsonObject { ["source"] = source.Name },
            ["auto_start"] = false,
        });
        string id = created["instance"]!["instance_id"]!.GetValue<string>();

        JsonObject listed = (await Client.GetFromJsonAsync<JsonObject>("api/v1/instances"))!;
        JsonObject started = await SendAsync(HttpMethod.Post, $"api/v1/instances/{id}/start", HttpStatusCode.OK);
        JsonObject startedAgain = await SendAsync(HttpMethod.Post, $"api/v1/instances/{id}/start", HttpStatusCode.OK);
        JsonObject running = (await Client.GetFromJsonAsync<JsonObject>($"api/v1/instances/{id}"))!;
        JsonObject stopped = await SendAsync(HttpMethod.Post, $"api/v1/instances/{id}/stop", HttpStatusCode.OK);
        JsonObject removed = await SendAsync(HttpMethod.Delete, $"api/v1/instances/{id}", HttpStatusCode.OK);
        JsonObject gone = await SendAsync(HttpMethod.Get, $"api/v1/instances/{id}", HttpStatusCode.NotFound);

        JsonNode item = Assert.Single(listed["instances"]!.AsArray(), i => i!["instance_id"]!.GetValue<string>() == id)!;
        // Deliberate differences: a generated id is the type and a random tail (not OpenCITE's UUIDv5 of type and
        // name), and start enables the schedule without running a scan there and then.
        Assert.Matches("^test-fake-[0-9a-f]{6}$", id);
        Assert.Null(running["instance"]!["last_scan_run_id"]);
        Assert.Equal("stopped", item["status"]!.GetValue<string>());
        Assert.Equal("Fake", item["display_name"]!.GetValue<string>());
        Assert.True(started["success"]!.GetValue<bool>());
        Assert.False(started["already_running"]!.GetValue<bool>());
        Assert.True(startedAgain["already_running"]!.GetValue<bool>());
        Assert.Equal("running", running["instance"]!["status"]!.GetValue<string>());
        Assert.True(stopped["success"]!.GetValue<bool>());
        Assert.Equal("stopped", stopped["instance"]!["status"]!.GetValue<string>());
        Assert.True(removed["success"]!.GetValue<bool>());
        Assert.Equal($"Instance '{id}' deleted", removed["message"]!.GetValue<string>());
        Assert.Equal($"No instance '{id}' in this tenant.", gone["error"]!.GetValue<string>());
        Assert.Equal(404, gone["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Create_MixedCaseId_AcceptedAndCaseSensitive()
    {
        FakeSource source = FakeSource.Create();
        await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.Created, new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "Databricks-Prod_EU",
            ["config"] = new JsonObject { ["source"] = source.Name },
        });

        JsonObject found = await SendAsync(HttpMethod.Get, "api/v1/instances/Databricks-Prod_EU", HttpStatusCode.OK);
        await SendAsync(HttpMethod.Get, "api/v1/instances/databricks-prod_eu", HttpStatusCode.NotFound);

        Assert.Equal("Databricks-Prod_EU", found["instance"]!["instance_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_NoDisplayName_DerivedFromThePluginType()
    {
        JsonObject created = await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.Created, new JsonObject
        {
            ["plugin_type"] = "opentelemetry",
            ["instance_id"] = "otel-unnamed",
        });

        Assert.Equal("OpenTelemetry traces", created["instance"]!["display_name"]!.GetValue<string>());

        // Deliberate difference: without auto_start (or enabled) the instance is enabled; OpenCITE leaves it stopped.
        Assert.Equal("running", created["instance"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_AutoStartContradictsEnabled_400()
    {
        JsonObject problem = await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.BadRequest, new JsonObject
        {
            ["plugin_type"] = "opentelemetry",
            ["auto_start"] = true,
            ["enabled"] = false,
        });

        Assert.Equal("auto_start contradicts enabled; send one of them.", problem["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_NoPluginType_400WithOpenCiteErrorMember()
    {
        JsonObject problem = await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.BadRequest, new JsonObject { ["display_name"] = "x" });

        Assert.Equal("plugin_type is required.", problem["error"]!.GetValue<string>());
        Assert.Equal("Invalid request", problem["title"]!.GetValue<string>());
        Assert.NotNull(problem["errors"]!["plugin_type"]);
    }

    [Fact]
    public async Task Update_ConfigMergedIntoTheStoredOne_AsOpenCitePersists()
    {
        // test_instance_update_and_verify.py test_persists_merged_config: stored {host, port}, PUT {config: {port}}
        // → {host, port: new}. Here with LiteLLM's fields: the URL and key stay, the changed field changes.
        await SendAsync(HttpMethod.Post, "api/v1/instances", HttpStatusCode.Created, new JsonObject
        {
            ["plugin_type"] = "litellm",
            ["instance_id"] = "merge-me",
            ["config"] = new JsonObject { ["base_url"] = "http://localhost:4000", ["api_key"] = "sk-merge-secret" },
        });

        JsonObject renamed = await SendAsync(HttpMethod.Put, "api/v1/instances/merge-me", HttpStatusCode.OK, new JsonObject { ["display_name"] = "New Name" });
        JsonObject merged = await SendAsync(HttpMethod.Put, "api/v1/instances/merge-me", HttpStatusCode.OK, new JsonObject { ["config"] = new JsonObject { ["page_size"] = 50 } });
        JsonObject realiased = await SendAsync(HttpMethod.Put, "api/v1/instances/merge-me", HttpStatusCode.OK, new JsonObject { ["config"] = new JsonObject { ["base_url"] = "http://localhost:4001" } });
        JsonObject cleared = await SendAsync(HttpMethod.Put, "api/v1/instances/merge-me", HttpStatusCode.OK, JsonNode.Parse("""{"config": {"page_size": null}}""")!.AsObject());

        Assert.True(renamed["success"]!.GetValue<bool>());
        Assert.Equal("New Name", renamed["instance"]!["display_name"]!.GetValue<string>());
        JsonNode config = merged["instance"]!["config"]!;
        Assert.Equal(50, config["page_size"]!.GetValue<long>());
        Assert.Equal("http://localhost:4000", config["proxy_url"]!.GetValue<string>());
        Assert.Equal("********", config["master_key"]!.GetValue<string>());
        Assert.Equal("http://localhost:4001", realiased["instance"]!["config"]!["proxy_url"]!.GetValue<string>());
        Assert.Equal(50, realiased["instance"]!["config"]!["page_size"]!.GetValue<long>());
        Assert.Equal(100, cleared["instance"]!["config"]!["page_size"]!.GetValue<long>());
    }

    [Fact]
    public async Task Verify_SuccessAndFailure_PassedThroughInVerification()
    {
        // test_verify_passes_through_success_true/false and test_verify_returns_404_for_unknown_instance.
        FakeSource good = FakeSource.Create();
        FakeSource bad = FakeSource.Create();
        bad.VerifyError = "bad creds";
        await _app.CreateFakeInstanceAsync("verify-good", good);
        await _app.CreateFakeInstanceAsync("verify-bad", bad);

        JsonObject ok = await SendAsync(HttpMethod.Post, "api/v1/instances/verify-good/verify", HttpStatusCode.OK);
        JsonObject failed = await SendAsync(HttpMethod.Post, "api/v1/instances/verify-bad/verify", HttpStatusCode.OK);
        JsonObject missing = await SendAsync(HttpMethod.Post, "api/v1/instances/nonexistent/verify", HttpStatusCode.NotFound);

        Assert.True(ok["success"]!.GetValue<bool>());
        Assert.True(ok["verification"]!["success"]!.GetValue<bool>());
        Assert.False(failed["success"]!.GetValue<bool>());
        Assert.Equal("bad creds", failed["verification"]!["error"]!.GetValue<string>());
        Assert.NotNull(missing["error"]);
    }

    [Fact]
    public async Task Refresh_RestReferenceBody_Accepted202WithSuccessAndTheScanRun()
    {
        // Deliberate difference: OpenCITE refreshes before it answers (200); here the scan runs after the reply (202).
        await _app.CreateFakeInstanceAsync("refresh-me", FakeSource.Create());

        JsonObject reply = await SendAsync(HttpMethod.Post, "api/v1/instances/refresh-me/refresh", HttpStatusCode.Accepted, JsonNode.Parse("""{"days": 7}""")!.AsObject());
        await _app.App.Get<DiscoveryScheduler>().WhenIdleAsync();
        JsonObject scans = await SendAsync(HttpMethod.Get, "api/v1/instances/refresh-me/scans", HttpStatusCode.OK);

        Assert.True(reply["success"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(reply["message"]!.GetValue<string>()));
        Assert.Contains(scans["scans"]!.AsArray(), s => s!["scan_run_id"]!.GetValue<string>() == reply["scan_run_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task LegacyConfigure_RestReferenceBody_CreatesAndStartsTheNamedPlugin()
    {
        // docs/REST_API.md, POST /api/v1/plugins/configure, verbatim; then POST /api/v1/stop.
        using var content = new StringContent("""
            {
              "plugins": [
                {
                  "name": "opentelemetry",
                  "config": {"host": "0.0.0.0", "port": 4318}
                }
              ]
            }
            """, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await Client.PostAsync("api/v1/plugins/configure", content);
        JsonObject reply = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        JsonObject again = await SendAsync(HttpMethod.Post, "api/v1/plugins/configure", HttpStatusCode.OK, JsonNode.Parse("""{"plugins": [{"name": "opentelemetry", "config": {}}]}""")!.AsObject());
        JsonObject instance = await SendAsync(HttpMethod.Get, "api/v1/instances/opentelemetry", HttpStatusCode.OK);
        JsonObject stop = await SendAsync(HttpMethod.Post, "api/v1/stop", HttpStatusCode.OK);
        JsonObject after = await SendAsync(HttpMethod.Get, "api/v1/instances/opentelemetry", HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(reply["success"]!.GetValue<bool>());
        Assert.Equal(["opentelemetry"], reply["plugins_enabled"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.True(again["success"]!.GetValue<bool>());
        Assert.Equal("running", instance["instance"]!["status"]!.GetValue<string>());
        Assert.True(stop["success"]!.GetValue<bool>());
        Assert.Contains("opentelemetry", stop["stopped"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("stopped", after["instance"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task LegacyConfigure_OneBadEntry_400AndNothingCreated()
    {
        JsonObject problem = await SendAsync(HttpMethod.Post, "api/v1/plugins/configure", HttpStatusCode.BadRequest,
            JsonNode.Parse("""{"plugins": [{"name": "litellm", "config": {"base_url": "http://localhost:4000", "api_key": "k"}}, {"name": "no_such_plugin", "config": {}}]}""")!.AsObject());

        await SendAsync(HttpMethod.Get, "api/v1/instances/litellm", HttpStatusCode.NotFound);
        Assert.Contains("plugins[1].plugin_type", problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.NotNull(problem["error"]);
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpStatusCode expected, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using HttpResponseMessage response = await Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
