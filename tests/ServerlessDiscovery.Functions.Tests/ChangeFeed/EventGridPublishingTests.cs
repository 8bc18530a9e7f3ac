using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Functions.Tests.Scanning;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.ChangeFeed;

/// <summary>The change feed published with the real EventGridPublisherClient to a loopback stand-in for the topic.</summary>
public sealed class EventGridPublishingTests
{
    private const string TopicKey = "test-topic-key-0123456789";

    [Fact]
    public async Task Publish_CloudEventsBatchesUnder1MB_WithSasKey()
    {
        await using LoopbackServer topic = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        await using EngineApp app = await EngineApp.StartAsync(TopicSettings(topic));
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        string big = new('x', 60_000);
        for (int i = 0; i < 30; i++)
        {
            source.Put(AssetTypes.Model, $"model-{i:D2}", "s", $"m{i}", new JsonObject { ["blob"] = big });
        }

        await app.CreateFakeInstanceAsync("eg1", source);
        await app.RefreshAsync("eg1");

        RecordedRequest[] posts = [.. topic.Requests];
        Assert.True(posts.Length >= 2, $"30 events of ~60 KB should need at least two batches; got {posts.Length}.");
        Assert.All(posts, p =>
        {
            Assert.Equal("POST", p.Method);
            Assert.Equal(TopicKey, p.Headers["aeg-sas-key"]);
            Assert.StartsWith("application/cloudevents-batch+json", p.Headers["Content-Type"], StringComparison.Ordinal);
            Assert.True(p.Body.Length < 1_000_000, $"batch of {p.Body.Length} bytes");
        });
        JsonObject[] events = [.. posts.SelectMany(p => JsonNode.Parse(p.Body)!.AsArray().Select(e => e!.AsObject()))];
        Assert.Equal(31, events.Length);
        Assert.All(events, e =>
        {
            Assert.Equal("1.0", e["specversion"]!.GetValue<string>());
            Assert.Equal("/tenants/default/instances/eg1", e["source"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(e["id"]!.GetValue<string>()));
            Assert.NotNull(e["time"]);
            Assert.IsType<JsonObject>(e["data"]);
        });
        Assert.Equal(30, events.Count(e => e["type"]!.GetValue<string>() == "ServerlessDiscovery.Asset.Created"));
        Assert.Equal("ServerlessDiscovery.Scan.Completed", events[^1]["type"]!.GetValue<string>());
        Assert.Equal("assets/model/model-00", events[0]["subject"]!.GetValue<string>());
        Assert.Empty(await ScanLifecycleTests.OutboxAsync(app, "eg1"));
    }

    [Fact]
    public async Task Publish_TopicAnswering503_EventsArriveOnceAfterRecovery()
    {
        bool down = true;
        int refused = 0;

        // The relay after the scan tries 1 + EventGrid's 2 retries; once the third is refused it has given up, and only
        // the ticks below relay (flipping the topic earlier would let that relay's last retry succeed instead).
        var relayGaveUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using LoopbackServer topic = await LoopbackServer.StartAsync((context, _) =>
        {
            if (Volatile.Read(ref down))
            {
                if (Interlocked.Increment(ref refused) == 3)
                {
                    relayGaveUp.TrySetResult();
                }

                context.Response.StatusCode = 503;
                return Task.CompletedTask;
            }

            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        await using EngineApp app = await EngineApp.StartAsync(TopicSettings(topic));
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "m1", "s", "m1");
        source.Put(AssetTypes.Model, "m2", "s", "m2");
        await app.CreateFakeInstanceAsync("eg2", source);

        await app.RefreshAsync("eg2");
        await relayGaveUp.Task.WaitAsync(TimeSpan.FromSeconds(60));
        int pending = (await ScanLifecycleTests.OutboxAsync(app, "eg2")).Sum(r => r.GetInt32("Count") ?? 0);
        int failedPosts = topic.Requests.Count;

        Volatile.Write(ref down, false);
        JsonObject tick = await app.App.Get<DiscoveryScheduler>().TickAsync(DateTimeOffset.UtcNow);
        JsonObject second = await app.App.Get<DiscoveryScheduler>().TickAsync(DateTimeOffset.UtcNow);

        Assert.Equal(3, pending);
        Assert.True(failedPosts >= 1);
        Assert.Equal(3, tick["events_relayed"]!.GetValue<int>());
        Assert.Equal(0, second["events_relayed"]!.GetValue<int>());
        JsonObject[] delivered = [.. topic.Requests.Skip(failedPosts).SelectMany(p => JsonNode.Parse(p.Body)!.AsArray().Select(e => e!.AsObject()))];
        Assert.Equal(3, delivered.Length);
        Assert.Equal(3, delivered.Select(e => e["id"]!.GetValue<string>()).Distinct().Count());
        Assert.Empty(await ScanLifecycleTests.OutboxAsync(app, "eg2"));
    }

    private static Dictionary<string, string?> TopicSettings(LoopbackServer topic) => new()
    {
        ["EventGrid:TopicEndpoint"] = new Uri(topic.BaseAddress, "api/events").ToString(),
        ["EventGrid:TopicKey"] = TopicKey,
    };
}
