using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Egress;

/// <summary>
/// The host's own identity (managed identity, default chains, ADC) serves only instances the operator owns: declared
/// in app settings or configured with an admin key; a tenant-bound key's instance without credentials is told which
/// field to set, and no provider is called.
/// </summary>
public sealed class HostIdentityTests : IAsyncLifetime
{
    private const string AdminKey = "admin-key-0123456789abcdef";
    private const string TenantKey = "tenant-key-0123456789abcdef";
    private EngineApp _app = null!;
    private LoopbackServer _arm = null!;

    public async Task InitializeAsync()
    {
        // Stands in for ARM: any request reaching it would mean a token was obtained and used.
        _arm = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 200;
            return context.Response.WriteAsync("{\"value\":[]}");
        });
        _app = await EngineApp.StartAsync(new Dictionary<string, string?>
        {
            ["Api:Keys"] = $"{AdminKey};{TenantKey}@acme",
            ["Plugins:ops1:Type"] = "azure.ai_foundry",
            ["Plugins:ops1:Config:arm_base_url"] = _arm.BaseAddress.ToString(),
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _arm.DisposeAsync();
    }

    [Theory]
    [InlineData("azure.ai_foundry", "client_secret")]
    [InlineData("aws.sagemaker", "access_key_id")]
    [InlineData("aws.bedrock", "access_key_id")]
    [InlineData("gcp.vertex_ai", "service_account_key")]
    public async Task Verify_TenantKeyInstanceWithoutCredentials_FailsNamingTheFieldWithoutCallingTheProvider(string pluginType, string field)
    {
        string id = "tenant-" + pluginType.Replace('.', '-');
        JsonObject created = await SendAsync(HttpMethod.Post, "api/v1/instances", TenantKey, new JsonObject
        {
            ["plugin_type"] = pluginType,
            ["instance_id"] = id,
            ["config"] = ConfigWithoutCredentials(pluginType),
        }, HttpStatusCode.Created);
        Assert.False(created["instance"]!["host_identity_allowed"]!.GetValue<bool>());

        JsonObject verify = await SendAsync(HttpMethod.Post, $"api/v1/instances/{id}/verify", TenantKey, null, HttpStatusCode.OK);

        Assert.False(verify["success"]!.GetValue<bool>());
        Assert.Contains($"config.{field} is required", verify["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(_arm.Requests);
    }

    [Fact]
    public async Task Refresh_TenantKeyInstanceWithoutCredentials_ScanFailsNamingTheField()
    {
        await SendAsync(HttpMethod.Post, "api/v1/instances", TenantKey, new JsonObject
        {
            ["plugin_type"] = "azure.ai_foundry",
            ["instance_id"] = "tenant-scan",
            ["config"] = ConfigWithoutCredentials("azure.ai_foundry"),
        }, HttpStatusCode.Created);
        JsonObject started = await SendAsync(HttpMethod.Post, "api/v1/instances/tenant-scan/refresh", TenantKey, null, HttpStatusCode.Accepted);
        await _app.App.Get<DiscoveryScheduler>().WhenIdleAsync();
        JsonObject scans = await SendAsync(HttpMethod.Get, "api/v1/instances/tenant-scan/scans", TenantKey, null, HttpStatusCode.OK);
        JsonNode run = scans["scans"]!.AsArray().Single(s => s!["scan_run_id"]!.GetValue<string>() == started["scan_run_id"]!.GetValue<string>())!;

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Contains("config.client_secret is required", run.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(_arm.Requests);
    }

    [Fact]
    public async Task Create_AdminKeyInstance_MayUseHostIdentityUntilATenantKeyReconfiguresIt()
    {
        JsonObject created = await SendAsync(HttpMethod.Post, "api/v1/instances", AdminKey, new JsonObject
        {
            ["plugin_type"] = "azure.ai_foundry",
            ["instance_id"] = "operator-made",
            ["config"] = ConfigWithoutCredentials("azure.ai_foundry"),
        }, HttpStatusCode.Created, tenant: "acme");
        Assert.True(created["instance"]!["host_identity_allowed"]!.GetValue<bool>());

        JsonObject renamed = await SendAsync(HttpMethod.Put, "api/v1/instances/operator-made", TenantKey, new JsonObject { ["display_name"] = "renamed" }, HttpStatusCode.OK);
        Assert.True(renamed["instance"]!["host_identity_allowed"]!.GetValue<bool>());

        JsonObject reconfigured = await SendAsync(HttpMethod.Put, "api/v1/instances/operator-made", TenantKey, new JsonObject { ["config"] = ConfigWithoutCredentials("azure.ai_foundry") }, HttpStatusCode.OK);
        Assert.False(reconfigured["instance"]!["host_identity_allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Get_ConfigurationOwnedInstance_MayUseHostIdentity()
    {
        // Start-up writes configured instances in the background; reconciling here makes this read independent of that race.
        await _app.App.Get<Engine.Instances.InstanceReconciler>().ReconcileAsync();
        JsonObject instance = await SendAsync(HttpMethod.Get, "api/v1/instances/ops1", AdminKey, null, HttpStatusCode.OK);
        Assert.True(instance["instance"]!["host_identity_allowed"]!.GetValue<bool>());
    }

    private JsonObject ConfigWithoutCredentials(string pluginType) => pluginType switch
    {
        "azure.ai_foundry" => new JsonObject { ["arm_base_url"] = _arm.BaseAddress.ToString(), ["subscription_ids"] = new JsonArray("00000000-0000-0000-0000-000000000001") },
        "gcp.vertex_ai" => new JsonObject { ["projects"] = new JsonArray("p1"), ["locations"] = new JsonArray("us-central1"), ["vertex_endpoint"] = _arm.BaseAddress.ToString().TrimEnd('/') },
        "aws.sagemaker" => new JsonObject { ["regions"] = new JsonArray("us-east-1"), ["sagemaker_endpoint"] = _arm.BaseAddress.ToString().TrimEnd('/') },
        _ => new JsonObject { ["regions"] = new JsonArray("us-east-1"), ["bedrock_endpoint"] = _arm.BaseAddress.ToString().TrimEnd('/') },
    };

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, string key, JsonObject? body, HttpStatusCode expected, string? tenant = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("x-api-key", key);
        if (tenant is not null)
        {
            request.Headers.Add("X-Tenant-Id", tenant);
        }

        using HttpResponseMessage response = await _app.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
