using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Engine.Findings;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Functions.Tests.Otlp;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;
using Xunit.Abstractions;

namespace ServerlessDiscovery.Functions.Tests.Findings;

/// <summary>
/// Findings are evaluated only when something that can change one changed: a tick over an unchanged tenant reads none of
/// its inventory; a scan, a drain of its traces, or the time an <c>unused</c> finding falls due makes it read again.
/// </summary>
public sealed class FindingsWatermarkTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static FindingsWatermark Mark(DateTimeOffset? observedAt = null, DateTimeOffset? traceEvaluatedAt = null) =>
        new("h1", Now, Now.AddDays(2), traceEvaluatedAt, observedAt);

    [Fact]
    public void Due_NothingChanged_None_TillTheFullRefresh()
    {
        Assert.Equal(EvaluationCause.None, FindingsSchedule.Due(Mark(), "h1", Now.AddMinutes(59)));
        Assert.Equal(EvaluationCause.None, FindingsSchedule.Due(Mark(observedAt: Now.AddSeconds(-30)), "h1", Now.AddMinutes(10)));
        Assert.Equal(EvaluationCause.Refresh, FindingsSchedule.Due(Mark(), "h1", Now + FindingsSchedule.FullRefresh));
    }

    [Fact]
    public void Due_EachChange_NamesItsCause()
    {
        Assert.Equal(EvaluationCause.First, FindingsSchedule.Due(null, "h1", Now));
        Assert.Equal(EvaluationCause.Instances, FindingsSchedule.Due(Mark(), "h2", Now.AddSeconds(1)));
        Assert.Equal(EvaluationCause.UnusedDue, FindingsSchedule.Due(Mark(), "h1", Now.AddDays(2)));
        Assert.Equal(EvaluationCause.Observed, FindingsSchedule.Due(Mark(observedAt: Now.AddSeconds(10)), "h1", Now.AddSeconds(20)));

        // A drain stamped just before the evaluation started (another host's clock may be behind) counts as after it.
        Assert.Equal(EvaluationCause.Observed, FindingsSchedule.Due(Mark(observedAt: Now.AddSeconds(-2)), "h1", Now.AddSeconds(20)));
    }

    [Fact]
    public void Due_TracesUnderSteadyTraffic_AtMostOncePerSpacing()
    {
        FindingsWatermark mark = Mark(observedAt: Now.AddSeconds(30), traceEvaluatedAt: Now);

        Assert.Equal(EvaluationCause.None, FindingsSchedule.Due(mark, "h1", Now + FindingsSchedule.TraceSpacing - TimeSpan.FromSeconds(1)));
        Assert.Equal(EvaluationCause.Observed, FindingsSchedule.Due(mark, "h1", Now + FindingsSchedule.TraceSpacing));
    }

    [Fact]
    public async Task EvaluateAsync_UnchangedTenant_ReadsNoInventory_ScanAndTracesMakeItReadAgain()
    {
        await using EngineApp app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Otlp:FlushInterval"] = "01:00:00", ["Otlp:EarlyDrain"] = "false" });
        FakeSource source = FakeSource.Create();
        for (int i = 0; i < 300; i++)
        {
            source.Assets[$"tool-{i:D3}"] = new DiscoveredAsset(AssetTypes.Tool, $"tool-{i:D3}", $"tool {i}", "fake:tools");
        }

        await app.CreateFakeInstanceAsync("tools", source);

        // The tenant's trace instance exists from the start (else the first drain creates it: a change of instances).
        await Webhooks.Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await app.RefreshAsync("tools");
        FindingsEvaluator findings = app.App.Get<FindingsEvaluator>();

        FindingChanges first = await findings.EvaluateAsync("default");
        FindingChanges[] unchanged = [await findings.EvaluateAsync("default"), await findings.EvaluateAsync("default"), await findings.EvaluateAsync("default")];

        Assert.Equal(EvaluationCause.First, first.Cause);
        Assert.True(first.RowsRead >= 300, $"{first.RowsRead} rows");
        Assert.All(unchanged, c => Assert.Equal((EvaluationCause.None, 0), (c.Cause, c.RowsRead)));
        output.WriteLine($"rows read: full evaluation {first.RowsRead} (every tick before the watermark), unchanged ticks {string.Join(", ", unchanged.Select(c => c.RowsRead))}");

        // A scan (even one that changed nothing) is a change of the instance's last run: evaluated once, then quiet again.
        await app.RefreshAsync("tools");
        Assert.Equal(EvaluationCause.Instances, (await findings.EvaluateAsync("default")).Cause);
        Assert.Equal(EvaluationCause.None, (await findings.EvaluateAsync("default")).Cause);

        // A drain of the tenant's traces: its shadow model is found on the next evaluation.
        using (StringContent content = OtlpRequests.Models(["gpt-4o"], 0, 0, ("server.address", "api.openai.com")))
        using (HttpResponseMessage response = await app.Client.PostAsync("v1/traces", content))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await app.App.Get<TraceFlusher>().FlushAsync();
        FindingChanges observed = await findings.EvaluateAsync("default");
        Assert.Equal((EvaluationCause.Observed, 1), (observed.Cause, observed.Opened));
        Assert.Equal(EvaluationCause.None, (await findings.EvaluateAsync("default")).Cause);
        JsonObject shadow = (await app.Client.GetFromJsonAsync<JsonObject>("api/v1/findings?kind=shadow&state=open"))!;
        Assert.Equal("openai/gpt-4o", (string?)Assert.Single(shadow["findings"]!.AsArray())!["subject"]!["id"]);
    }
}
