using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Collections;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Protocol.Collector.Logs;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;
using ServerlessDiscovery.Otlp.Protocol.Logs;
using ServerlessDiscovery.Otlp.Protocol.Trace;

namespace ServerlessDiscovery.Otlp.Transcoding;

/// <summary>
/// Converts OTLP export requests between protobuf and OTLP JSON, and splits a request into parts under a size limit
/// (by resource, then by scope, then by span or log record). OTLP JSON differs from protobuf's canonical JSON in
/// that trace and span ids are hex rather than base64, and enums are integers.
/// </summary>
public static class OtlpTranscoder
{
    public const string Traces = "traces";
    public const string Logs = "logs";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly HashSet<string> IdFields = new(StringComparer.Ordinal) { "traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id" };

    /// <summary>An OTLP protobuf request as OTLP JSON.</summary>
    public static byte[] ToJson(ReadOnlyMemory<byte> protobuf, string signal) => FormatJson(Parse(protobuf, signal, OtlpEncoding.Protobuf));

    /// <summary>An OTLP JSON request as protobuf.</summary>
    public static byte[] ToProtobuf(ReadOnlyMemory<byte> json, string signal) => Parse(json, signal, OtlpEncoding.Json).ToByteArray();

    /// <summary>
    /// The request in <paramref name="to"/>, as one or more requests of at most <paramref name="maxBytes"/> each. A single
    /// span or log record larger than that on its own is returned as a part of its own, over the limit.
    /// </summary>
    public static IReadOnlyList<byte[]> Split(ReadOnlyMemory<byte> body, string signal, OtlpEncoding from, OtlpEncoding to, int maxBytes)
    {
        IMessage request = Parse(body, signal, from);
        Func<IMessage, byte[]> format = to == OtlpEncoding.Protobuf ? m => m.ToByteArray() : FormatJson;
        byte[] whole = format(request);
        if (whole.Length <= maxBytes)
        {
            return [whole];
        }

        return request switch
        {
            ExportTraceServiceRequest traces => SplitRequest(traces, r => r.ResourceSpans, r => r.ScopeSpans, s => s.Spans, format, maxBytes),
            ExportLogsServiceRequest logs => SplitRequest(logs, r => r.ResourceLogs, r => r.ScopeLogs, s => s.LogRecords, format, maxBytes),
            _ => throw new ArgumentOutOfRangeException(nameof(signal)),
        };
    }

    private static IMessage Parse(ReadOnlyMemory<byte> body, string signal, OtlpEncoding encoding)
    {
        try
        {
            return (signal, encoding) switch
            {
                (Traces, OtlpEncoding.Protobuf) => ExportTraceServiceRequest.Parser.ParseFrom(body.Span),
                (Logs, OtlpEncoding.Protobuf) => ExportLogsServiceRequest.Parser.ParseFrom(body.Span),
                (Traces, OtlpEncoding.Json) => Parser.Parse<ExportTraceServiceRequest>(ConvertIds(body, toHex: false)),
                (Logs, OtlpEncoding.Json) => Parser.Parse<ExportLogsServiceRequest>(ConvertIds(body, toHex: false)),
                _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "The OTLP signal must be 'traces' or 'logs'."),
            };
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or JsonException or FormatException)
        {
            throw new OtlpFormatException($"The OTLP {signal} body cannot be transcoded: {ex.Message}", ex);
        }
    }

    private static byte[] FormatJson(IMessage message) =>
        Encoding.UTF8.GetBytes(ConvertIds(Encoding.UTF8.GetBytes(Formatter.Format(message)), toHex: true));

    /// <summary>Rewrites every id field between OTLP JSON's hex and canonical protobuf JSON's base64.</summary>
    private static string ConvertIds(ReadOnlyMemory<byte> json, bool toHex)
    {
        JsonNode? root = JsonNode.Parse(json.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        Walk(root, toHex);
        return root?.ToJsonString() ?? "{}";
    }

    private static void Walk(JsonNode? node, bool toHex)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach ((string name, JsonNode? value) in obj.ToArray())
                {
                    if (IdFields.Contains(name) && value is JsonValue v && v.TryGetValue(out string? text) && text.Length > 0)
                    {
                        obj[name] = toHex ? Convert.ToHexStringLower(Convert.FromBase64String(text)) : Convert.ToBase64String(Convert.FromHexString(text));
                    }
                    else
                    {
                        Walk(value, toHex);
                    }
                }

                break;
            case JsonArray array:
                foreach (JsonNode? item in array)
                {
                    Walk(item, toHex);
                }

                break;
        }
    }

    private static List<byte[]> SplitRequest<TRequest, TResource, TScope, TItem>(
        TRequest request,
        Func<TRequest, RepeatedField<TResource>> resources,
        Func<TResource, RepeatedField<TScope>> scopes,
        Func<TScope, RepeatedField<TItem>> items,
        Func<IMessage, byte[]> format,
        int maxBytes)
        where TRequest : IMessage<TRequest>, new()
        where TResource : IMessage<TResource>
        where TScope : IMessage<TScope>
    {
        // Pieces are single-resource requests, each as small as it needs to be; they are then packed greedily.
        int Size(TResource resource)
        {
            var one = new TRequest();
            resources(one).Add(resource);
            return format(one).Length;
        }

        var pieces = new List<(TResource Piece, int Size)>();
        foreach (TResource resource in resources(request))
        {
            int size = Size(resource);
            if (size <= maxBytes)
            {
                pieces.Add((resource, size));
                continue;
            }

            TResource resourceShell = ShellOf(resource, scopes);
            foreach (TScope scope in scopes(resource))
            {
                TResource single = resourceShell.Clone();
                scopes(single).Add(scope);
                int scopeSize = Size(single);
                if (scopeSize <= maxBytes)
                {
                    pieces.Add((single, scopeSize));
                    continue;
                }

                TScope scopeShell = ShellOf(scope, items);
                TResource Wrap(IEnumerable<TItem> chunk)
                {
                    TScope s = scopeShell.Clone();
                    items(s).AddRange(chunk);
                    TResource r = resourceShell.Clone();
                    scopes(r).Add(s);
                    return r;
                }

                int overhead = Size(Wrap([]));
                var chunk = new List<TItem>();
                int chunkSize = overhead;
                foreach (TItem item in items(scope))
                {
                    int itemSize = Size(Wrap([item])) - overhead + 16;
                    if (chunk.Count > 0 && chunkSize + itemSize > maxBytes)
                    {
                        pieces.Add((Wrap(chunk), chunkSize));
                        chunk = [];
                        chunkSize = overhead;
                    }

                    chunk.Add(item);
                    chunkSize += itemSize;
                }

                if (chunk.Count > 0)
                {
                    pieces.Add((Wrap(chunk), chunkSize));
                }
            }
        }

        var parts = new List<byte[]>();
        var current = new TRequest();
        int currentSize = 0;
        foreach ((TResource piece, int size) in pieces)
        {
            if (resources(current).Count > 0 && currentSize + size > maxBytes)
            {
                parts.Add(format(current));
                current = new TRequest();
                currentSize = 0;
            }

            resources(current).Add(piece);
            currentSize += size;
        }

        if (resources(current).Count > 0)
        {
            parts.Add(format(current));
        }

        return parts;
    }

    /// <summary>A copy of <paramref name="message"/> without its children (resource attributes, scope, schema url kept).</summary>
    private static TParent ShellOf<TParent, TChild>(TParent message, Func<TParent, RepeatedField<TChild>> children)
        where TParent : IMessage<TParent>
    {
        TChild[] saved = [.. children(message)];
        children(message).Clear();
        TParent shell = message.Clone();
        children(message).AddRange(saved);
        return shell;
    }
}
