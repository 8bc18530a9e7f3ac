using System.Net;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Hosting;

public sealed class StandaloneModeTests
{
    [Fact]
    public async Task Healthz_Always200_Readyz200WhenStorageAnswers()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage health = await app.Client.GetAsync("/healthz");
        using HttpResponseMessage ready = await app.Client.GetAsync("/readyz");
        JsonObject body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", body["checks"]!["tableStorage"]!.GetValue<string>());
        Assert.Equal("ready", body["checks"]!["eventSink"]!.GetValue<string>());
        Assert.Equal("ready", body["checks"]!["deliveriesQueue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Readyz_DeliveriesQueueDown_Answers503ProblemNamingTheQueue()
    {
        Uri closed = Plugins.Conformance.TestPluginContext.ClosedLoopbackUrl();
        await using TestApp app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=AAAA;QueueEndpoint=http://127.0.0.1:{closed.Port}/devstoreaccount1;",
        });

        using HttpResponseMessage ready = await app.Client.GetAsync("/readyz");
        string text = await ready.Content.ReadAsStringAsync();
        JsonObject problem = JsonNode.Parse(text)!.AsObject();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("deliveriesQueue", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual("ready", problem["checks"]!["deliveriesQueue"]!.GetValue<string>());
        Assert.Equal("ready", problem["checks"]!["tableStorage"]!.GetValue<string>());
        Assert.DoesNotContain("AAAA", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_StorageDown_Answers503ProblemNamingTableStorage()
    {
        Uri closed = Plugins.Conformance.TestPluginContext.ClosedLoopbackUrl();
        await using TestApp app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=AAAA;TableEndpoint=http://127.0.0.1:{closed.Port}/devstoreaccount1;",
        });

        using HttpResponseMessage health = await app.Client.GetAsync("/healthz");
        using HttpResponseMessage ready = await app.Client.GetAsync("/readyz");
        JsonObject problem = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("application/problem+json", ready.Content.Headers.ContentType?.MediaType);
        Assert.Contains("tableStorage", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual("ready", problem["checks"]!["tableStorage"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownApiRoute_Answers404Problem()
    {
        await using TestApp app = await TestApp.StartAsync();

        using HttpResponseMessage response = await app.Client.GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
