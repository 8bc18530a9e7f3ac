using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Plugins.OpenTelemetry;

/// <summary>What one batch of spans adds to the inventory.</summary>
/// <param name="Assets">Each asset named in the batch once, with its attributes merged over the batch.</param>
/// <param name="Edges">Relationships resolved by this batch (some may involve spans of earlier batches), each once.</param>
/// <param name="Usage">Usage counters per asset for this batch: add them into the stored totals.</param>
/// <param name="SpansConsidered">Spans that passed the service filter.</param>
public sealed record TraceExtraction(
    IReadOnlyList<DiscoveredAsset> Assets,
    IReadOnlyList<DiscoveredEdge> Edges,
    IReadOnlyDictionary<AssetKey, AssetUsage> Usage,
    int SpansConsidered)
{
    /// <summary>
    /// The usage of each asset called on more than one <see cref="AssetRoute"/> in this batch, split by route (they add
    /// up to its <see cref="Usage"/>); calls with no route attribute count on the asset's first route. Empty when every
    /// asset went one way, which is the usual case.
    /// </summary>
    public IReadOnlyList<RoutedUsage> Routes { get; init; } = [];
}

/// <summary>The part of an asset's usage that went one route.</summary>
public sealed record RoutedUsage(AssetKey Key, AssetRoute Route, AssetUsage Usage);

/// <summary>Which spans an extractor turns into assets.</summary>
public sealed class TraceExtractionOptions
{
    /// <summary>When not empty, only spans whose resource service.name is listed (case-insensitive) produce assets.</summary>
    public IReadOnlyCollection<string> ServiceNames { get; init; } = [];
}

/// <summary>
/// Decoded spans into assets, edges and usage: normalises each span, then lets the shared <see cref="TraceAttributor"/>
/// resolve relationships across batches. Thread-safe; one instance per host (the attributor's memory is shared).
/// </summary>
public sealed class TraceAssetExtractor(TraceAttributor attributor, TraceExtractionOptions? options = null)
{
    /// <summary>The scope of every trace-derived asset. It is never reported completed, so nothing is deleted by absence.</summary>
    public const string Scope = "opentelemetry";

    private readonly HashSet<string>? _services = options?.ServiceNames is { Count: > 0 } names ? new HashSet<string>(names, StringComparer.OrdinalIgnoreCase) : null;

    public TraceExtraction Extract(string tenant, IReadOnlyList<OtlpSpan> spans)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(spans);
        var drafts = new Dictionary<AssetKey, AssetDraft>();
        var usage = new Dictionary<AssetKey, List<(AssetRoute Route, AssetUsage Usage)>>();
        var edges = new HashSet<EdgeRef>();
        var traces = new Dictionary<UInt128, List<SpanObservation>>();
        int considered = 0;

        bool unknownProvider = false;
        foreach (OtlpSpan span in spans)
        {
            bool included = _services is null || (span.Attributes.Text(SpanAttribute.ServiceName) is { } service && _services.Contains(service));
            SpanFacts? facts = GenAiSpanNormaliser.Normalise(span);
            unknownProvider |= facts?.Model is { } model && IsUnknownProvider(model);
            if (!traces.TryGetValue(span.TraceId, out List<SpanObservation>? group))
            {
                traces.Add(span.TraceId, group = []);
            }

            group.Add(new SpanObservation(span.SpanId, span.ParentSpanId, facts, included));
        }

        foreach ((UInt128 traceId, List<SpanObservation> group) in traces)
        {
            if (unknownProvider)
            {
                InheritProviders(tenant, traceId, group);
            }

            foreach (SpanObservation span in group)
            {
                if (span.Included)
                {
                    considered++;
                    if (span.Facts is { } facts)
                    {
                        Collect(facts, drafts, usage, edges);
                    }
                }
            }

            attributor.Observe(tenant, traceId, group, edges);
        }

        (Dictionary<AssetKey, AssetUsage> totals, List<RoutedUsage> routes) = Totals(usage);
        return new TraceExtraction(
            [.. drafts.Values.Select(ToAsset)],
            [.. edges.Select(e => new DiscoveredEdge(e.Source.Type, e.Source.Id, e.Relationship, e.Target.Type, e.Target.Id, Scope))],
            totals,
            considered)
        {
            Routes = routes,
        };
    }

    /// <summary>
    /// Each asset's usage over all its routes, and the split of those called on more than one route (calls on no route
    /// join the first route seen, as their attributes would have).
    /// </summary>
    private static (Dictionary<AssetKey, AssetUsage> Totals, List<RoutedUsage> Routes) Totals(Dictionary<AssetKey, List<(AssetRoute Route, AssetUsage Usage)>> usage)
    {
        var totals = new Dictionary<AssetKey, AssetUsage>(usage.Count);
        var routes = new List<RoutedUsage>();
        foreach ((AssetKey key, List<(AssetRoute Route, AssetUsage Usage)> byRoute) in usage)
        {
            if (byRoute.Count == 1)
            {
                totals.Add(key, byRoute[0].Usage);
                continue;
            }

            var total = new AssetUsage();
            foreach ((_, AssetUsage u) in byRoute)
            {
                total.Add(u);
            }

            totals.Add(key, total);
            (AssetRoute Route, AssetUsage Usage)[] routed = [.. byRoute.Where(r => !r.Route.IsEmpty)];
            if (routed.Length < 2)
            {
                continue;
            }

            foreach ((_, AssetUsage unrouted) in byRoute.Where(r => r.Route.IsEmpty))
            {
                routed[0].Usage.Add(unrouted);
            }

            routes.AddRange(routed.Select(r => new RoutedUsage(key, r.Route, r.Usage)));
        }

        return (totals, routes);
    }

    private static bool IsUnknownProvider(AssetDraft model) => model.Attributes.Exists(a => a.Key == "provider" && a.Value == ProviderNames.Unknown);

    /// <summary>
    /// A model span naming no provider takes its trace's (README "Moving from OpenCITE", "Provider within a trace"): the provider a
    /// span of the same trace declares for the same model, else the trace's only declared provider. The spans of this
    /// request come first; earlier requests' spans of the trace are remembered by the attributor.
    /// </summary>
    private void InheritProviders(string tenant, UInt128 traceId, List<SpanObservation> group)
    {
        TraceProviders? local = null;
        foreach (SpanObservation span in group)
        {
            if (span.Facts?.Model is { } model && !IsUnknownProvider(model))
            {
                (local ??= new TraceProviders()).Add(model.Name, model.Attributes.Find(a => a.Key == "provider").Value);
            }
        }

        foreach (SpanObservation span in group)
        {
            if (span.Facts is { Model: { } model } facts && IsUnknownProvider(model)
                && (local?.For(model.Name) ?? attributor.ProviderFor(tenant, traceId, model.Name)) is { } provider)
            {
                GenAiSpanNormaliser.InheritProvider(facts, provider);
            }
        }
    }

    private static void Collect(SpanFacts facts, Dictionary<AssetKey, AssetDraft> drafts, Dictionary<AssetKey, List<(AssetRoute Route, AssetUsage Usage)>> usage, HashSet<EdgeRef> edges)
    {
        AssetUsage? model = Count(facts.Model, facts.ModelInvoked, facts, drafts, usage);
        Count(facts.Agent, facts.AgentInvoked, facts, drafts, usage);
        Count(facts.Tool, facts.ToolInvoked, facts, drafts, usage);
        Count(facts.McpServer, facts.ToolInvoked, facts, drafts, usage);
        Count(facts.McpResource, true, facts, drafts, usage);
        Count(facts.Downstream, true, facts, drafts, usage);
        if (model is not null && (facts.InputTokens != 0 || facts.OutputTokens != 0))
        {
            model.InputTokens += facts.InputTokens;
            model.OutputTokens += facts.OutputTokens;
        }

        if (facts.Agent is { } agent)
        {
            if (facts.Model is { } m)
            {
                edges.Add(new EdgeRef(agent.Key, Relationships.UsesModel, m.Key));
            }

            if (facts.Tool is { } t)
            {
                edges.Add(new EdgeRef(agent.Key, Relationships.UsesTool, t.Key));
            }
        }

        if (facts.McpServer is { } server)
        {
            if (facts.Tool is { Type: AssetTypes.McpTool } tool)
            {
                edges.Add(new EdgeRef(server.Key, Relationships.Contains, tool.Key));
            }

            if (facts.McpResource is { } resource)
            {
                edges.Add(new EdgeRef(server.Key, Relationships.Contains, resource.Key));
            }
        }
    }

    /// <summary>Merges the span's draft into the batch's and counts the call on the draft's route; returns that route's usage.</summary>
    private static AssetUsage? Count(AssetDraft? draft, bool invoked, SpanFacts facts, Dictionary<AssetKey, AssetDraft> drafts, Dictionary<AssetKey, List<(AssetRoute Route, AssetUsage Usage)>> usage)
    {
        if (draft is null)
        {
            return null;
        }

        AssetKey key = draft.Key;
        AssetRoute route = AssetRoute.Of(draft);
        if (drafts.TryGetValue(key, out AssetDraft? existing))
        {
            // First value wins per attribute; spans that omit an attribute never erase it.
            foreach (KeyValuePair<string, string> attribute in draft.Attributes)
            {
                if (!existing.Attributes.Exists(a => a.Key == attribute.Key))
                {
                    existing.Attributes.Add(attribute);
                }
            }
        }
        else
        {
            drafts.Add(key, draft);
        }

        if (!usage.TryGetValue(key, out List<(AssetRoute Route, AssetUsage Usage)>? byRoute))
        {
            usage.Add(key, byRoute = []);
        }

        AssetUsage? u = null;
        foreach ((AssetRoute r, AssetUsage counted) in byRoute)
        {
            if (r == route)
            {
                u = counted;
                break;
            }
        }

        if (u is null)
        {
            byRoute.Add((route, u = new AssetUsage()));
        }

        if (invoked)
        {
            u.Invocations++;
            u.Observe(facts.Time);
            if (facts.Service is { } service)
            {
                u.AddCaller("service:" + service);
            }

            if (facts.Agent is { } agent && agent != draft)
            {
                u.AddCaller("agent:" + agent.Name);
            }
        }

        return u;
    }

    private static DiscoveredAsset ToAsset(AssetDraft draft)
    {
        var attributes = new JsonObject();
        foreach (KeyValuePair<string, string> attribute in draft.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            attributes[attribute.Key] = attribute.Value;
        }

        return new DiscoveredAsset(draft.Type, draft.Id, draft.Name, Scope) { Attributes = attributes };
    }
}
