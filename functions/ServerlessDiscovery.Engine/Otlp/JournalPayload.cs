using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>
/// One OTLP request's contribution as stored in the write-ahead journal: compact UTF-8 JSON
/// <c>{"v":1,"a":[{"t","i","n","s","at":{...},"u":[invocations,input,output,lastInvokedMs|null,firstInvokedMs|null,[callers]]}],"e":[[st,si,rel,tt,ti,scope]]}</c>
/// (the last two usage members are optional on reading). An asset called on several routes (<see cref="TraceExtraction.Routes"/>)
/// is written once per route, with that route's attributes and usage, so resolution can place each route's usage;
/// split into payloads of at most <see cref="MaxPayloadBytes"/> (each one self-contained), so any row fits an entity.
/// </summary>
public static class JournalPayload
{
    /// <summary>Uncompressed size at which a payload is closed; bounded assets keep each payload well under a row's limit.</summary>
    public const int MaxPayloadBytes = 512 * 1024;

    public static IReadOnlyList<ReadOnlyMemory<byte>> Encode(TraceExtraction extraction)
    {
        ArgumentNullException.ThrowIfNull(extraction);
        var items = new ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(items);
        var assets = new List<Range>(extraction.Assets.Count);
        ILookup<AssetKey, RoutedUsage>? routes = extraction.Routes.Count == 0 ? null : extraction.Routes.ToLookup(r => r.Key);
        foreach (DiscoveredAsset asset in extraction.Assets)
        {
            var key = new AssetKey(asset.Type, asset.Id);
            if (routes is not null && routes.Contains(key))
            {
                foreach (RoutedUsage route in routes[key])
                {
                    assets.Add(Item(items, json, asset with { Attributes = route.Route.Apply(asset.Attributes) }, route.Usage));
                }
            }
            else
            {
                assets.Add(Item(items, json, asset, extraction.Usage.GetValueOrDefault(key)));
            }
        }

        var edges = new List<Range>(extraction.Edges.Count);
        foreach (DiscoveredEdge edge in extraction.Edges)
        {
            int from = items.WrittenCount;
            json.WriteStartArray();
            json.WriteStringValue(edge.SourceType);
            json.WriteStringValue(edge.SourceId);
            json.WriteStringValue(edge.Relationship);
            json.WriteStringValue(edge.TargetType);
            json.WriteStringValue(edge.TargetId);
            json.WriteStringValue(edge.Scope);
            json.WriteEndArray();
            json.Flush();
            json.Reset(items);
            edges.Add(from..items.WrittenCount);
        }

        var payloads = new List<ReadOnlyMemory<byte>>();
        int a = 0, e = 0;
        do
        {
            var document = new ArrayBufferWriter<byte>(Math.Min(items.WrittenCount + 64, MaxPayloadBytes + 1024));
            using var writer = new Utf8JsonWriter(document);
            writer.WriteStartObject();
            writer.WriteNumber("v", 1);
            writer.WriteStartArray("a");
            int size = 0;
            for (; a < assets.Count && (size == 0 || size + Length(assets[a]) <= MaxPayloadBytes); a++)
            {
                writer.WriteRawValue(items.WrittenSpan[assets[a]], skipInputValidation: true);
                size += Length(assets[a]);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("e");
            for (; a == assets.Count && e < edges.Count && (size == 0 || size + Length(edges[e]) <= MaxPayloadBytes); e++)
            {
                writer.WriteRawValue(items.WrittenSpan[edges[e]], skipInputValidation: true);
                size += Length(edges[e]);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            payloads.Add(document.WrittenMemory);
        }
        while (a < assets.Count || e < edges.Count);

        return payloads;
    }

    private static int Length(Range range) => range.End.Value - range.Start.Value;

    private static Range Item(ArrayBufferWriter<byte> items, Utf8JsonWriter json, DiscoveredAsset asset, AssetUsage? usage)
    {
        int from = items.WrittenCount;
        WriteAsset(json, asset, usage);
        json.Flush();
        json.Reset(items);
        return from..items.WrittenCount;
    }

    /// <summary>Adds a payload to <paramref name="into"/>; throws <see cref="JsonException"/> or <see cref="FormatException"/> for one that is not a payload.</summary>
    public static void Decode(ReadOnlySpan<byte> payload, ObservationAggregate into)
    {
        ArgumentNullException.ThrowIfNull(into);
        JsonObject root = JsonNode.Parse(payload) as JsonObject ?? throw new FormatException("A journal payload is a JSON object.");
        if (root["v"]?.GetValue<int>() != 1)
        {
            throw new FormatException("Unknown journal payload version.");
        }

        foreach (JsonNode? node in root["a"]?.AsArray() ?? [])
        {
            JsonObject a = node!.AsObject();
            var asset = new DiscoveredAsset(Text(a, "t"), Text(a, "i"), Text(a, "n"), Text(a, "s"))
            {
                Attributes = a["at"] is JsonObject attributes ? (JsonObject)attributes.DeepClone() : [],
            };
            JsonArray u = a["u"]!.AsArray();
            var usage = new AssetUsage
            {
                Invocations = u[0]!.GetValue<long>(),
                InputTokens = u[1]!.GetValue<long>(),
                OutputTokens = u[2]!.GetValue<long>(),
                LastInvoked = Time(u, 3),
                FirstInvoked = Time(u, 4),
            };
            if (u.Count > 5 && u[5] is JsonArray callers)
            {
                foreach (JsonNode? caller in callers)
                {
                    usage.AddCaller(caller!.GetValue<string>());
                }
            }

            into.Add(asset, usage);
        }

        foreach (JsonNode? node in root["e"]?.AsArray() ?? [])
        {
            JsonArray e = node!.AsArray();
            into.Add(new DiscoveredEdge(e[0]!.GetValue<string>(), e[1]!.GetValue<string>(), e[2]!.GetValue<string>(), e[3]!.GetValue<string>(), e[4]!.GetValue<string>(), e[5]!.GetValue<string>()));
        }
    }

    private static void WriteAsset(Utf8JsonWriter json, DiscoveredAsset asset, AssetUsage? usage)
    {
        json.WriteStartObject();
        json.WriteString("t", asset.Type);
        json.WriteString("i", asset.Id);
        json.WriteString("n", asset.Name);
        json.WriteString("s", asset.Scope);
        json.WritePropertyName("at");
        asset.Attributes.WriteTo(json);
        json.WriteStartArray("u");
        json.WriteNumberValue(usage?.Invocations ?? 0);
        json.WriteNumberValue(usage?.InputTokens ?? 0);
        json.WriteNumberValue(usage?.OutputTokens ?? 0);
        WriteTime(json, usage?.LastInvoked);
        WriteTime(json, usage?.FirstInvoked);
        json.WriteStartArray();
        foreach (string caller in usage?.Callers ?? [])
        {
            json.WriteStringValue(caller);
        }

        json.WriteEndArray();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            json.WriteNumberValue(t.ToUnixTimeMilliseconds());
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static DateTimeOffset? Time(JsonArray usage, int index) =>
        usage.Count > index && usage[index] is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms.GetValue<long>()) : null;

    private static string Text(JsonObject o, string name) =>
        o[name]?.GetValue<string>() ?? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"A journal asset has no '{name}'."));
}

/// <summary>
/// Journal payloads of one tenant merged into one write per distinct asset and <see cref="AssetRoute"/>: attributes only
/// gain keys (the first value seen for a key stays), usage counters add up, edges are kept once. An asset reached on
/// several routes (one deployment name on two Azure OpenAI accounts) stays one observation per route, so resolution
/// places each route's usage on its own declared asset; what arrived with no route attribute joins the asset's first
/// route. Not thread-safe: one drain builds one.
/// </summary>
public sealed class ObservationAggregate
{
    private readonly Dictionary<(string Type, string Id), List<(AssetRoute Route, DiscoveredAsset Asset, AssetUsage Usage)>> _assets = [];
    private readonly HashSet<DiscoveredEdge> _edges = [];

    /// <summary>Observations held: distinct assets, an asset on several routes counting once per route.</summary>
    public int AssetCount { get; private set; }

    public void Add(DiscoveredAsset asset, AssetUsage usage)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(usage);
        AssetRoute route = AssetRoute.Of(asset.Attributes);
        if (!_assets.TryGetValue((asset.Type, asset.Id), out var routes))
        {
            _assets[(asset.Type, asset.Id)] = routes = [];
        }

        int i = routes.FindIndex(r => r.Route == route);
        if (i < 0)
        {
            routes.Add((route, asset, usage));
            AssetCount++;
        }
        else
        {
            Merge(routes[i].Asset, routes[i].Usage, asset, usage);
        }
    }

    public void Add(DiscoveredEdge edge) => _edges.Add(edge);

    public IReadOnlyList<ObservedAsset> Assets()
    {
        var observed = new List<ObservedAsset>(AssetCount);
        foreach (var routes in _assets.Values)
        {
            // Equal routes merge on Add, so at most one entry has no route: it joins the first entry that has one.
            int unrouted = routes.FindIndex(r => r.Route.IsEmpty);
            int first = routes.FindIndex(r => !r.Route.IsEmpty);
            for (int i = 0; i < routes.Count; i++)
            {
                (_, DiscoveredAsset asset, AssetUsage usage) = routes[i];
                if (i == unrouted && first >= 0)
                {
                    continue;
                }

                if (i == first && unrouted >= 0)
                {
                    (asset, usage) = (asset with { Attributes = (JsonObject)asset.Attributes.DeepClone() }, Sum(usage));
                    Merge(asset, usage, routes[unrouted].Asset, routes[unrouted].Usage);
                }

                observed.Add(new ObservedAsset(asset, usage.Invocations, usage.InputTokens, usage.OutputTokens, usage.LastInvoked)
                {
                    FirstInvoked = usage.FirstInvoked,
                    Callers = [.. usage.Callers],
                });
            }
        }

        return observed;
    }

    private static AssetUsage Sum(AssetUsage usage)
    {
        var sum = new AssetUsage();
        sum.Add(usage);
        return sum;
    }

    private static void Merge(DiscoveredAsset held, AssetUsage heldUsage, DiscoveredAsset asset, AssetUsage usage)
    {
        foreach ((string key, JsonNode? value) in asset.Attributes)
        {
            if (!held.Attributes.ContainsKey(key))
            {
                held.Attributes[key] = value?.DeepClone();
            }
        }

        heldUsage.Add(usage);
    }

    public IReadOnlyList<DiscoveredEdge> Edges() => [.. _edges];
}
