using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

public sealed class InstancesApiTests : IAsyncLifetime
{
    private const string Secret = "SENTINEL-api-key-never-shown-4d1e";
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync(new Dictionary<string, string?>
    {
        ["Plugins:cfg1:Type"] = FakePluginType.TypeId,
        ["Plugins:cfg1:Schedule"] = "0 0 3 * * *",
        ["Plugins:cfg1:Config:source"] = "configured-source",
        ["Plugins:cfg1:Config:api_key"] = Secret,
    });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task Create_InvalidFields_400ListsEveryOne()
    {
        using HttpResponseMessage response = await _app.Client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "Bad Id!",
            ["schedule"] = "every minute",
            ["enabled"] = "yes",
            ["config"] = new JsonObject { ["page_size"] = "ten", ["unknown"] = 1 },
        });
        JsonObject problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            ["config.page_size", "config.source", "config.unknown", "enabled", "instance_id", "schedule"],
            problem["errors"]!.AsObject().Select(p => p.Key).Order());
    }

    [Theory]
    [InlineData("{not json", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("[1]", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("plugin_type=x", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    public async Task Create_BadBody_Answers4xxProblem(string body, string contentType, HttpStatusCode expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using HttpResponseMessage response = await _app.Client.PostAsync("api/v1/instances", content);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Create_UnknownPluginType_400()
    {
        using HttpResponseMessage response = await _app.Client.PostAsJsonAsync("api/v1/instances", new JsonObject { ["plugin_type"] = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("plugin_type", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_DuplicateId_409()
    {
        FakeSource source = FakeSource.Create();
        await _app.CreateFakeInstanceAsync("dup", source);
        using HttpResponseMessage again = await _app.Client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "dup",
            ["config"] = new JsonObject { ["source"] = source.Name },
        });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task PluginTypes_ListsFieldsWithSecretFlags()
    {
        JsonObject types = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/plugin-types"))!;
        JsonObject fake = types["plugin_types"]![FakePluginType.TypeId]!.AsObject();

        Assert.True(types["count"]!.GetValue<int>() >= 9, "every plugin project's types are found at start-up");
        Assert.Equal("aws.sagemaker", types["plugin_types"]!["aws.sagemaker"]!["plugin_type"]!.GetValue<string>());
        Assert.Equal("mcp", types["plugin_types"]!["mcp"]!["plugin_type"]!.GetValue<string>());
        Assert.True(fake["config_fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "api_key")!["secret"]!.GetValue<bool>());
        Assert.Equal("10", fake["config_fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "page_size")!["default"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConfiguredInstance_IsReconciledMarkedAndReadOnly()
    {
        await _app.App.Get<Engine.Instances.InstanceReconciler>().ReconcileAsync();

        JsonObject cfg = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/instances/cfg1"))!["instance"]!.AsObject();
        using HttpResponseMessage put = await _app.Client.PutAsJsonAsync("api/v1/instances/cfg1", new JsonObject { ["display_name"] = "x" });
        using HttpResponseMessage delete = await _app.Client.DeleteAsync("api/v1/instances/cfg1");
        using HttpResponseMessage stop = await _app.Client.PostAsync("api/v1/instances/cfg1/stop", null);

        Assert.True(cfg["configuration_owned"]!.GetValue<bool>());
        Assert.Equal("0 0 3 * * *", cfg["schedule"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stop.StatusCode);
        Assert.Contains("Plugins__cfg1__", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_NeverInResponsesLogsOrScanRecords_AndEncryptedAtRest()
    {
        FakeSource source = FakeSource.Create();
        source.Throw = "upstream refused";
        var responses = new StringBuilder();
        JsonObject created = await _app.CreateFakeInstanceAsync("sec", source, apiKey: Secret);
        responses.Append(created.ToJsonString());
        responses.Append(await _app.Client.GetStringAsync("api/v1/instances/sec"));
        responses.Append(await _app.Client.GetStringAsync("api/v1/instances"));
        await _app.App.Get<Engine.Instances.InstanceReconciler>().ReconcileAsync();
        responses.Append(await _app.Client.GetStringAsync("api/v1/instances/cfg1"));
        JsonObject run = await _app.RefreshAsync("sec");
        responses.Append(run.ToJsonString());
        responses.Append(await _app.Client.GetStringAsync("api/v1/instances/sec/scans"));
        using (HttpResponseMessage verify = await _app.Client.PostAsync("api/v1/instances/sec/verify", null))
        {
            responses.Append(await verify.Content.ReadAsStringAsync());
        }

        // Round trip: the masked value sent back keeps the stored secret.
        using (HttpResponseMessage put = await _app.Client.PutAsJsonAsync("api/v1/instances/sec", new JsonObject { ["config"] = created["config"]!.DeepClone() }))
        {
            responses.Append(await put.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Domain.Instances.PluginInstance stored = (await _app.App.Get<Domain.Instances.IInstanceStore>().GetAsync("default", "sec"))!;
        Azure.Data.Tables.TableEntity raw = (await _app.App.Table(ServerlessDiscovery.Storage.TableNames.Instances).GetEntityAsync<Azure.Data.Tables.TableEntity>("default", "sec")).Value;
        string events = string.Join('\n', _app.Events.Events.Select(e => e.ToCloudEventJson().ToJsonString()));

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Contains("upstream refused", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("********", created["config"]!["api_key"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, responses.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, _app.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, events, StringComparison.Ordinal);
        Assert.Equal(Secret, stored.Config["api_key"]!.GetValue<string>());
        Assert.DoesNotContain(Secret, string.Join('|', raw.Select(p => p.Value)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretsUndecryptable_InstancesStillList_AndVerifyNamesTheKey()
    {
        // As after Secrets__EncryptionKey changed: the sealed secrets no longer open with the current key.
        using (HttpResponseMessage created = await _app.Client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "rekeyed",
            ["config"] = new JsonObject { ["source"] = "rekeyed-source", ["api_key"] = Secret },
        }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Azure.Data.Tables.TableClient table = _app.App.Table(ServerlessDiscovery.Storage.TableNames.Instances);
        Azure.Data.Tables.TableEntity row = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>("default", "rekeyed")).Value;
        char[] sealedSecrets = row.GetString("Secrets")!.ToCharArray();
        sealedSecrets[^3] = sealedSecrets[^3] == 'A' ? 'B' : 'A';
        row["Secrets"] = new string(sealedSecrets);
        await table.UpdateEntityAsync(row, row.ETag);

        using HttpResponseMessage list = await _app.Client.GetAsync("api/v1/instances");
        using HttpResponseMessage verify = await _app.Client.PostAsync("api/v1/instances/rekeyed/verify", null);
        string answers = await list.Content.ReadAsStringAsync() + await verify.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("\"rekeyed\"", answers, StringComparison.Ordinal);
        Assert.True((int)verify.StatusCode is >= 200 and < 500, $"verify answered {(int)verify.StatusCode}");
        Assert.Contains("Secrets__EncryptionKey", answers, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, answers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartStop_TogglesEnabled()
    {
        await _app.CreateFakeInstanceAsync("toggle", FakeSource.Create());

        using HttpResponseMessage stop = await _app.Client.PostAsync("api/v1/instances/toggle/stop", null);
        JsonObject stopped = JsonNode.Parse(await stop.Content.ReadAsStringAsync())!.AsObject();
        using HttpResponseMessage start = await _app.Client.PostAsync("api/v1/instances/toggle/start", null);
        JsonObject started = JsonNode.Parse(await start.Content.ReadAsStringAsync())!.AsObject();

        Assert.False(stopped["instance"]!["enabled"]!.GetValue<bool>());
        Assert.Null(stopped["instance"]!["next_run"]);
        Assert.True(started["instance"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Verify_ReportsPluginResult()
    {
        FakeSource source = FakeSource.Create();
        source.VerifyError = "bad credentials";
        await _app.CreateFakeInstanceAsync("ver", source);

        using HttpResponseMessage response = await _app.Client.PostAsync("api/v1/instances/ver/verify", null);
        JsonObject body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.False(body["success"]!.GetValue<bool>());
        Assert.Equal("bad credentials", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_RemovesTheInstance()
    {
        await _app.CreateFakeInstanceAsync("gone", FakeSource.Create());

        using HttpResponseMessage delete = await _app.Client.DeleteAsync("api/v1/instances/gone");
        using HttpResponseMessage get = await _app.Client.GetAsync("api/v1/instances/gone");

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
