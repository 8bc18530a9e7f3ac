using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Domain.Observations;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Otlp;

/// <summary>
/// No poison batch: oversized and hostile values (a 40,000-character model name, a 1 MB gen_ai.system_instructions,
/// a 100,000-character agent name) are bounded with a visible marker before they are journaled, so they are written,
/// and neither that tenant's other assets nor any other tenant is held back, then or later.
/// </summary>
public sealed class OtlpPoisonTests
{
    [Fact]
    public async Task HostileValues_AreTruncatedWithAMarker_TenantsOtherAssetsAndOtherTenantsKeepFlowing()
    {
        await using EngineApp app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Otlp:FlushInterval"] = "01:00:00" });
        using HttpClient hostile = OtlpRequests.Client(app.App.BaseAddress, "hostile");
        using HttpClient calm = OtlpRequests.Client(app.App.BaseAddress, "calm");
        string longModel = "m" + new string('x', 40_000);
        string longAgent = "agent-" + new string('a', 100_000);
        string instructions = new('i', 1024 * 1024);

        HttpStatusCode[] first = await PostAllAsync(hostile, calm, longModel, longAgent, instructions, "normal-model", "calm-model");
        await app.App.Get<TraceFlusher>().FlushAsync();
        Dictionary<string, (long Invocations, long InputTokens)> hostileModels = await OtlpRequests.UsageAsync(hostile);
        Dictionary<string, (long Invocations, long InputTokens)> calmModels = await OtlpRequests.UsageAsync(calm);
        JsonObject agents = (await hostile.GetFromJsonAsync<JsonObject>("api/v1/inventory?type=agent"))!;

        // The same hostile traffic again, with a new model: nothing is stuck behind the first round.
        HttpStatusCode[] second = await PostAllAsync(hostile, calm, longModel, longAgent, instructions, "later-model", "calm-later");
        await app.App.Get<TraceFlusher>().FlushAsync();
        Dictionary<string, (long Invocations, long InputTokens)> hostileAfter = await OtlpRequests.UsageAsync(hostile);
        Dictionary<string, (long Invocations, long InputTokens)> calmAfter = await OtlpRequests.UsageAsync(calm);
        int journalRows = await app.App.Get<IObservationJournal>().CountAsync();
        IReadOnlyList<QuarantineRecord> quarantined = await app.App.Get<IQuarantine>().ListAsync("hostile");

        Assert.All(first.Concat(second), s => Assert.Equal(HttpStatusCode.OK, s));
        string truncated = Assert.Single(hostileModels.Keys, k => k.StartsWith("openai/mxxx", StringComparison.Ordinal));
        Assert.True(truncated.Length <= ObservationBounds.MaxIdChars, $"{truncated.Length} characters");
        Assert.Contains("…[truncated", truncated, StringComparison.Ordinal);
        Assert.Contains("openai/gpt-4o", hostileModels.Keys);
        Assert.Contains("openai/normal-model", hostileModels.Keys);
        Assert.Equal(["openai/calm-model"], calmModels.Keys);
        string agentId = Assert.Single(agents["items"]!.AsArray())!["id"]!.GetValue<string>();
        Assert.StartsWith("agent-aaa", agentId, StringComparison.Ordinal);
        Assert.Contains("…[truncated", agentId, StringComparison.Ordinal);
        Assert.Equal(2, hostileAfter[truncated].Invocations);
        Assert.Equal(2, hostileAfter["openai/gpt-4o"].Invocations);
        Assert.Contains("openai/later-model", hostileAfter.Keys);
        Assert.Equal(["openai/calm-later", "openai/calm-model"], calmAfter.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, journalRows);
        Assert.Empty(quarantined);
    }

    private static async Task<HttpStatusCode[]> PostAllAsync(HttpClient hostile, HttpClient calm, string longModel, string longAgent, string instructions, string hostileModel, string calmModel)
    {
        string trace = Guid.NewGuid().ToString("N");
        string root = Guid.NewGuid().ToString("N")[..16];
        StringContent[] hostileBodies =
        [
            OtlpRequests.Models([longModel], inputTokens: 3),
            OtlpRequests.Models(["gpt-4o"], 3, 0, ("gen_ai.system_instructions", instructions)),
            OtlpRequests.Body([
                OtlpRequests.Span("invoke_agent", [("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", longAgent)], traceId: trace, spanId: root),
                OtlpRequests.Span("chat", [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", hostileModel)], traceId: trace, parentSpanId: root)]),
        ];
        var statuses = new List<HttpStatusCode>();
        foreach (StringContent body in hostileBodies)
        {
            using HttpResponseMessage response = await hostile.PostAsync("v1/traces", body);
            statuses.Add(response.StatusCode);
        }

        using HttpResponseMessage other = await calm.PostAsync("v1/traces", OtlpRequests.Models([calmModel]));
        statuses.Add(other.StatusCode);
        return [.. statuses];
    }
}
