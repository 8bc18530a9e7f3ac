using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ServerlessDiscovery.Engine.Otlp;
using Xunit;

namespace ServerlessDiscovery.Testing;

/// <summary>A span as a provider's SDK or instrumentation emits it: its name, kind and attributes.</summary>
public sealed record InstrumentedSpan(string Name, IReadOnlyDictionary<string, object> Attributes, ActivityKind Kind = ActivityKind.Client);

/// <summary>What a resolved identity must show on the declared asset it resolved to.</summary>
/// <param name="Type">The declared asset's type.</param>
/// <param name="Id">The declared asset's id, as the plugin reported it.</param>
/// <param name="Rule">The resolution rule that must have matched (ResolutionRules.cs).</param>
/// <param name="Invocations">Invocations counted on it.</param>
/// <param name="InputTokens">Input tokens counted on it.</param>
/// <param name="OutputTokens">Output tokens counted on it.</param>
/// <param name="Services">The calling services (resource service.name), in order.</param>
/// <param name="TraceIdentity">The trace-derived identity the spans would have made had nothing resolved: it must not exist.</param>
public sealed record ResolvedUse(string Type, string Id, string Rule, long Invocations, long InputTokens, long OutputTokens, string[] Services, (string Type, string Id) TraceIdentity);

/// <summary>
/// Declared versus observed against the real app: spans sent through the real OpenTelemetry .NET OTLP exporter
/// (OTLP/HTTP protobuf), the journal drained on demand, and the checks that an identity resolved to one declared asset
/// (API and AI-BOM) or stayed trace-derived.
/// </summary>
public static class DeclaredObserved
{
    /// <summary>
    /// App settings for these tests: drains only when a test flushes, and a resolution index rebuilt on every flush so a
    /// scan's assets resolve at once. The loopback egress allow-list is <see cref="TestApp"/>'s (<see cref="LoopbackAllowList"/>).
    /// </summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Otlp:FlushInterval"] = "01:00:00",
        ["Otlp:EarlyDrain"] = "false",
        ["Discovery:ResolutionIndexTtl"] = "00:00:00",
    };

    /// <summary>Sends <paramref name="span"/> <paramref name="times"/> times from <paramref name="service"/> and drains the journal into the inventory.</summary>
    public static async Task ObserveAsync(this EngineApp app, string service, InstrumentedSpan span, int times = 1)
    {
        using var source = new ActivitySource("declared-observed-" + Guid.NewGuid().ToString("N"));
        using (TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(service))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(app.App.BaseAddress, "v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            for (int i = 0; i < times; i++)
            {
                using Activity activity = source.StartActivity(span.Name, span.Kind)!;
                foreach ((string key, object value) in span.Attributes)
                {
                    activity.SetTag(key, value);
                }
            }

            Assert.True(provider.ForceFlush(10_000), "the OTLP exporter did not deliver the spans");
        }

        await app.App.Get<TraceFlusher>().FlushAsync();
    }

    /// <summary>
    /// Asserts the declared asset carries the use with provenance <c>both</c>, its attributes all from the scan, that the
    /// trace-derived identity does not exist, and that the AI-BOM says the same. Returns the asset.
    /// </summary>
    public static async Task<JsonObject> AssertResolvedAsync(this EngineApp app, ResolvedUse expected)
    {
        JsonObject asset = await app.GetAssetAsync(expected.Type, expected.Id);
        Assert.True((string?)asset["provenance"] == "both", asset.ToJsonString());
        JsonObject observed = asset["observed"]!.AsObject();
        Assert.Equal(expected.Rule, (string?)observed["rule"]);
        Assert.Equal(expected.Invocations, (long)observed["invocations"]!);
        Assert.Equal(expected.InputTokens, (long)observed["input_tokens"]!);
        Assert.Equal(expected.OutputTokens, (long)observed["output_tokens"]!);
        Assert.Equal(expected.Services, observed["services"]!.AsArray().Select(s => (string)s!));
        Assert.NotNull(observed["first_invocation"]);
        Assert.NotNull(observed["last_invocation"]);
        Assert.All(asset["attribute_sources"]!.AsObject(), p => Assert.Equal("scan", (string?)p.Value));
        await app.AssertAbsentAsync(expected.TraceIdentity.Type, expected.TraceIdentity.Id);

        JsonObject[] elements = await BomElementsAsync(app);
        JsonObject element = Assert.Single(elements, e => (string?)e["bom-ref"] == $"{expected.Type}/{expected.Id}");
        Dictionary<string, string?> properties = element["properties"]!.AsArray()
            .GroupBy(p => (string)p!["name"]!).ToDictionary(g => g.Key, g => (string?)g.First()!["value"]);
        Assert.Equal("both", properties["serverlessdiscovery:provenance"]);
        Assert.Equal(expected.Invocations.ToString(System.Globalization.CultureInfo.InvariantCulture), properties["serverlessdiscovery:observed:invocations"]);
        Assert.DoesNotContain(elements, e => (string?)e["bom-ref"] == $"{expected.TraceIdentity.Type}/{expected.TraceIdentity.Id}");
        return asset;
    }

    /// <summary>Asserts a span that matched no declared asset kept its trace-derived identity, provenance <c>observed</c>, in the API and the AI-BOM.</summary>
    public static async Task<JsonObject> AssertTraceDerivedAsync(this EngineApp app, string type, string id, long invocations)
    {
        JsonObject asset = await app.GetAssetAsync(type, id);
        Assert.True((string?)asset["provenance"] == "observed", asset.ToJsonString());
        Assert.Equal(invocations, (long)asset["observed"]!["invocations"]!);
        Assert.Null(asset["observed"]!["rule"]);
        JsonObject element = Assert.Single(await BomElementsAsync(app), e => (string?)e["bom-ref"] == $"{type}/{id}");
        Assert.Contains(element["properties"]!.AsArray(), p => (string?)p!["name"] == "serverlessdiscovery:provenance" && (string?)p["value"] == "observed");
        return asset;
    }

    /// <summary>Asserts no asset of that type and id exists.</summary>
    public static async Task AssertAbsentAsync(this EngineApp app, string type, string id)
    {
        string path = id.Replace("%", "%25", StringComparison.Ordinal).Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);
        using HttpResponseMessage response = await app.Client.GetAsync($"api/v1/assets/{type}/{path}");
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{type} {id} exists: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every component and service of the tenant's CycloneDX AI-BOM.</summary>
    public static async Task<JsonObject[]> BomElementsAsync(EngineApp app)
    {
        JsonObject bom = (await app.Client.GetFromJsonAsync<JsonObject>("api/v1/bom"))!;
        return [.. (bom["components"]?.AsArray() ?? []).Concat(bom["services"]?.AsArray() ?? []).Select(n => n!.AsObject())];
    }
}
