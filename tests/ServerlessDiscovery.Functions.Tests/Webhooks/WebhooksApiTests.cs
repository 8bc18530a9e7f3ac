using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Webhooks;

/// <summary>GET/POST/DELETE /api/v1/instances/{id}/webhooks: shapes, validation, secrecy and the SSRF guard.</summary>
public sealed class WebhooksApiTests : IAsyncLifetime
{
    private EngineApp _app = null!;
    private EngineApp _guarded = null!;

    public async Task InitializeAsync()
    {
        _app = await EngineApp.StartAsync(Webhook.Settings());
        _guarded = await EngineApp.StartAsync(Webhook.Settings(allowedHosts: null));
        await _app.CreateFakeInstanceAsync("w1", FakeSource.Create());
        await _guarded.CreateFakeInstanceAsync("w1", FakeSource.Create());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _guarded.DisposeAsync();
    }

    [Fact]
    public async Task Subscribe_ValidBody_Returns200WithSecretOnce_AndListMasksHeaders()
    {
        JsonObject created = await Webhook.SubscribeAsync(_app.Client, "w1", new JsonObject
        {
            ["url"] = "HTTP://LocalHost:80/hooks/a?x=1",
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer subscriber-token-xyz" },
            ["events"] = new JsonArray("ServerlessDiscovery.Asset.*", "ServerlessDiscovery.Scan.Completed"),
        });
        JsonObject list = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/instances/w1/webhooks"))!;
        string listText = list.ToJsonString();

        Assert.True(created["added"]!.GetValue<bool>());
        Assert.Equal("http://localhost/hooks/a?x=1", created["subscription"]!["url"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{64}$", created["secret"]!.GetValue<string>());
        Assert.Equal("***", created["subscription"]!["headers"]!["Authorization"]!.GetValue<string>());
        Assert.NotNull(created["subscription"]!["created_at"]);
        Assert.Equal(1, list["count"]!.GetValue<int>());
        Assert.Equal("http://localhost/hooks/a?x=1", list["webhooks"]![0]!.GetValue<string>());
        JsonObject item = list["subscriptions"]![0]!.AsObject();
        Assert.Equal("http://localhost/hooks/a?x=1", item["url"]!.GetValue<string>());
        Assert.Equal("***", item["headers"]!["Authorization"]!.GetValue<string>());
        Assert.Equal(["ServerlessDiscovery.Asset.*", "ServerlessDiscovery.Scan.Completed"], item["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.False(item.ContainsKey("secret"));
        Assert.DoesNotContain(created["secret"]!.GetValue<string>(), listText, StringComparison.Ordinal);
        Assert.DoesNotContain("subscriber-token-xyz", listText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_SecretsAtRest_AreEncrypted()
    {
        JsonObject created = await Webhook.SubscribeAsync(_app.Client, "w1", new JsonObject
        {
            ["url"] = "http://127.0.0.1:9/at-rest",
            ["headers"] = new JsonObject { ["X-Token"] = "plain-header-value-123" },
        });

        TableEntity row = Assert.Single(await RowsAsync(_app.App.Table(TableNames.Webhooks)), r => r.GetString("Url") == "http://127.0.0.1:9/at-rest");
        string stored = string.Join("|", row.Select(p => p.Value?.ToString()));
        Assert.DoesNotContain(created["secret"]!.GetValue<string>(), stored, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-header-value-123", stored, StringComparison.Ordinal);
        Assert.Equal("default~w1", row.PartitionKey);
        Assert.Matches("^[0-9a-f]{64}$", row.RowKey);
    }

    [Fact]
    public async Task Subscribe_SameUrlTwice_UpdatesOneSubscription_SecretOnlyOnRotation()
    {
        JsonObject first = await Webhook.SubscribeAsync(_app.Client, "w1", new JsonObject { ["url"] = "http://127.0.0.1:9/same" });
        JsonObject second = await Webhook.SubscribeAsync(_app.Client, "w1", new JsonObject { ["url"] = "http://127.0.0.1:9/same", ["events"] = new JsonArray("ServerlessDiscovery.Scan.*") });
        JsonObject rotated = await Webhook.SubscribeAsync(_app.Client, "w1", new JsonObject { ["url"] = "http://127.0.0.1:9/same", ["rotate_secret"] = true });
        JsonObject list = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/instances/w1/webhooks"))!;

        JsonNode same = Assert.Single(list["subscriptions"]!.AsArray(), w => w!["url"]!.GetValue<string>() == "http://127.0.0.1:9/same")!;
        Assert.Equal("ServerlessDiscovery.Scan.*", same["events"]![0]!.GetValue<string>());
        Assert.False(second["added"]!.GetValue<bool>());
        Assert.Null(second["secret"]);
        Assert.NotEqual(first["secret"]!.GetValue<string>(), rotated["secret"]!.GetValue<string>());
        Assert.Equal(first["subscription"]!["created_at"]!.GetValue<DateTimeOffset>(), second["subscription"]!["created_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Subscribe_InvalidFields_Answers400ListingEachField()
    {
        using HttpResponseMessage response = await _app.Client.PostAsJsonAsync("api/v1/instances/w1/webhooks", new JsonObject
        {
            ["url"] = "ftp://127.0.0.1/x",
            ["headers"] = new JsonObject { ["X-Ok"] = 5, ["X-Signature"] = "forged", ["Bad Name"] = "v" },
            ["events"] = new JsonArray("Other.Thing", "ServerlessDiscovery.Asset.*"),
        });
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        JsonObject errors = problem["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["events[0]", "headers.Bad Name", "headers.X-Ok", "headers.X-Signature", "url"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Subscribe_UnknownInstanceOrOtherTenant_Answers404()
    {
        using HttpResponseMessage missing = await _app.Client.PostAsJsonAsync("api/v1/instances/nope/webhooks", new JsonObject { ["url"] = "http://127.0.0.1:9/x" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/instances/w1/webhooks");
        request.Headers.Add("X-Tenant-Id", "someone-else");
        using HttpResponseMessage otherTenant = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherTenant.StatusCode);
    }

    [Fact]
    public async Task Unsubscribe_ByBodyOrQuery_RemovedThenNotRemoved()
    {
        await Webhook.SubscribeAsync(_app.Client, "w1", new JsonObject { ["url"] = "http://127.0.0.1:9/gone-body" });
        await Webhook.SubscribeAsync(_app.Client, "w1", new JsonObject { ["url"] = "http://127.0.0.1:9/gone-query" });

        using HttpResponseMessage byBody = await _app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "api/v1/instances/w1/webhooks")
        {
            Content = JsonContent.Create(new JsonObject { ["url"] = "http://127.0.0.1:9/gone-body" }),
        });
        using HttpResponseMessage byQuery = await _app.Client.DeleteAsync("api/v1/instances/w1/webhooks?url=" + Uri.EscapeDataString("http://127.0.0.1:9/gone-query"));
        using HttpResponseMessage again = await _app.Client.DeleteAsync("api/v1/instances/w1/webhooks?url=" + Uri.EscapeDataString("http://127.0.0.1:9/gone-query"));
        using HttpResponseMessage noUrl = await _app.Client.DeleteAsync("api/v1/instances/w1/webhooks");
        JsonObject list = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/instances/w1/webhooks"))!;

        Assert.Equal(HttpStatusCode.OK, byBody.StatusCode);
        Assert.True((await byBody.Content.ReadFromJsonAsync<JsonObject>())!["removed"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.True((await byQuery.Content.ReadFromJsonAsync<JsonObject>())!["removed"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False((await again.Content.ReadFromJsonAsync<JsonObject>())!["removed"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.BadRequest, noUrl.StatusCode);
        Assert.DoesNotContain(list["webhooks"]!.AsArray(), w => w!.GetValue<string>().Contains("gone", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://172.20.0.1/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://169.254.10.10/hook")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[fd12::1]/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://100.100.100.200/")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    public async Task Subscribe_InternalAddressWithoutAllowList_Answers400OnUrl(string url)
    {
        using HttpResponseMessage response = await _guarded.Client.PostAsJsonAsync("api/v1/instances/w1/webhooks", new JsonObject { ["url"] = url });
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("url"), problem.ToJsonString());
    }

    [Fact]
    public async Task Subscribe_MetadataAddressEvenWithAllowList_Answers400()
    {
        using HttpResponseMessage response = await _app.Client.PostAsJsonAsync("api/v1/instances/w1/webhooks", new JsonObject { ["url"] = "http://169.254.169.254/latest" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Subscribe_PublicAddressWithoutAllowList_IsAccepted()
    {
        // An IP literal: nothing to resolve, so no network is needed.
        JsonObject created = await Webhook.SubscribeAsync(_guarded.Client, "w1", new JsonObject { ["url"] = "https://93.184.215.14/hook" });

        Assert.Equal("https://93.184.215.14/hook", created["subscription"]!["url"]!.GetValue<string>());
    }

    private static async Task<List<TableEntity>> RowsAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter: (string?)null))
        {
            rows.Add(row);
        }

        return rows;
    }
}
