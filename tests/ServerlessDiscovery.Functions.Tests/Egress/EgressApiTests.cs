using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Egress.Tests;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Egress;

/// <summary>An app whose operator allow-list is empty: only public addresses may be configured.</summary>
public sealed class StrictEgressApp : IAsyncLifetime
{
    public EngineApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await EngineApp.StartAsync(new Dictionary<string, string?> { [LoopbackAllowList.Setting] = null });
        await App.CreateFakeInstanceAsync("hooks", FakeSource.Create());
    }

    public Task DisposeAsync() => App.DisposeAsync().AsTask();
}

/// <summary>Plugin URLs and webhook URLs are refused over the API in every forbidden form (DESIGN 7, "Egress").</summary>
public sealed class EgressApiTests(StrictEgressApp fixture) : IClassFixture<StrictEgressApp>
{
    private HttpClient Client => fixture.App.Client;

    [Theory]
    [MemberData(nameof(ForbiddenAddresses.HostData), MemberType = typeof(ForbiddenAddresses))]
    public async Task CreateInstance_McpUrlInForbiddenForm_Answers400OnConfigUrl(string host, string why)
    {
        JsonObject problem = await CreateAsync(400, "mcp", new JsonObject { ["transport"] = "streamable_http", ["url"] = $"http://{host}:8080/mcp" });
        Assert.True(problem["errors"]?["config.url"] is not null, $"{host} ({why}): {problem}");
    }

    [Theory]
    [MemberData(nameof(ForbiddenAddresses.HostData), MemberType = typeof(ForbiddenAddresses))]
    public async Task Subscribe_WebhookUrlInForbiddenForm_Answers400OnUrl(string host, string why)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync("api/v1/instances/hooks/webhooks", new JsonObject { ["url"] = $"http://{host}:8080/hook" });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{host} ({why}): {(int)response.StatusCode} {body}");
        Assert.NotNull(JsonNode.Parse(body)!["errors"]!["url"]);
    }

    [Theory]
    [InlineData("azure.ai_foundry", "arm_base_url", "http://169.254.169.254/")]
    [InlineData("azure.ai_foundry", "authority_host", "https://168.63.129.16/")]
    [InlineData("azure.ai_foundry", "agents_endpoint_base", "https://[fd00:ec2::254]/")]
    [InlineData("litellm", "proxy_url", "http://10.0.0.5:4000/")]
    [InlineData("databricks", "workspace_url", "https://192.168.0.10/")]
    [InlineData("aws.sagemaker", "sagemaker_endpoint", "http://169.254.169.254/{region}")]
    [InlineData("gcp.vertex_ai", "vertex_endpoint", "http://127.0.0.1:9/{location}")]
    public async Task CreateInstance_ForbiddenProviderEndpoint_Answers400NamingTheField(string pluginType, string field, string url)
    {
        var config = new JsonObject { [field] = url };
        switch (pluginType)
        {
            case "azure.ai_foundry":
                config["bearer_token"] = "token-value";
                break;
            case "litellm":
                config["master_key"] = "sk-value";
                break;
            case "databricks":
                config["token"] = "dapi-value";
                break;
            case "aws.sagemaker":
                config["regions"] = new JsonArray("us-east-1");
                break;
            case "gcp.vertex_ai":
                config["projects"] = new JsonArray("p1");
                config["locations"] = new JsonArray("us-central1");
                break;
        }

        JsonObject problem = await CreateAsync(400, pluginType, config);

        Assert.True(problem["errors"]?[$"config.{field}"] is not null, problem.ToJsonString());
    }

    [Fact]
    public async Task UpdateInstance_UrlChangedToForbiddenAddress_Answers400AndKeepsTheOldUrl()
    {
        await CreateAsync(201, "mcp", new JsonObject { ["transport"] = "streamable_http", ["url"] = "https://mcp.example.com/mcp" }, "mcp-update");

        using HttpResponseMessage response = await Client.PutAsJsonAsync("api/v1/instances/mcp-update", new JsonObject
        {
            ["config"] = new JsonObject { ["transport"] = "streamable_http", ["url"] = "http://[::ffff:10.0.0.1]/mcp" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonObject stored = (await Client.GetFromJsonAsync<JsonObject>("api/v1/instances/mcp-update"))!["instance"]!.AsObject();
        Assert.Equal("https://mcp.example.com/mcp", stored["config"]!["url"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("X-Api-Key", "secret\r\nX-Injected: 1")]
    [InlineData("X-Api-Key", "secret\nInjected")]
    [InlineData("X-Api-Key", "secret\0")]
    [InlineData("Host", "internal.example")]
    [InlineData("Transfer-Encoding", "chunked")]
    [InlineData("Connection", "close")]
    [InlineData("Bad Name", "x")]
    public async Task CreateInstance_McpHeaderInvalid_Answers400NamingTheHeaderWithoutItsValue(string name, string value)
    {
        JsonObject problem = await CreateAsync(400, "mcp", new JsonObject
        {
            ["transport"] = "streamable_http",
            ["url"] = "https://mcp.example.com/mcp",
            ["headers"] = new JsonObject { [name] = value },
        });

        Assert.True(problem["errors"]?[$"config.headers.{name}"] is not null, problem.ToJsonString());
        Assert.DoesNotContain("secret", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateInstance_McpHeaderWithCrLf_Answers400()
    {
        await CreateAsync(201, "mcp", new JsonObject
        {
            ["transport"] = "streamable_http",
            ["url"] = "https://mcp.example.com/mcp",
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer good" },
        }, "mcp-headers");

        using HttpResponseMessage response = await Client.PutAsJsonAsync("api/v1/instances/mcp-headers", new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["transport"] = "streamable_http",
                ["url"] = "https://mcp.example.com/mcp",
                ["headers"] = new JsonObject { ["Authorization"] = "Bearer good\r\nMetadata: true" },
            },
        });
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(body)!["errors"]!["config.headers.Authorization"]);
    }

    [Fact]
    public async Task CreateInstance_PublicUrlAndValidHeaders_Answers201()
    {
        await CreateAsync(201, "mcp", new JsonObject
        {
            ["transport"] = "streamable_http",
            ["url"] = "https://8.8.8.8/mcp",
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer x", ["X-Api-Key"] = "y" },
        });
    }

    private async Task<JsonObject> CreateAsync(int expected, string pluginType, JsonObject config, string? id = null)
    {
        var body = new JsonObject { ["plugin_type"] = pluginType, ["config"] = config };
        if (id is not null)
        {
            body["instance_id"] = id;
        }

        using HttpResponseMessage response = await Client.PostAsJsonAsync("api/v1/instances", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
