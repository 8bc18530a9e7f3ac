using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// What the trace attributor holds when full: feeds one tenant's benchmark requests (512 GenAI spans, 128 traces of
/// 4 spans) with fresh trace ids, as live traffic has, through the real extractor until the attributor's bounds are
/// reached, then reports the managed heap it keeps (after a full collection) and the traces and spans it remembers.
/// Arguments: maxSpans and maxTraces (default: the app's Otlp__AttributionMaxSpans and Otlp__AttributionMaxTraces
/// defaults), requests (default 400).
/// </summary>
internal static class AttributorMemoryBenchmark
{
    public static int Run(string[] args)
    {
        var defaults = new OtlpOptions();
        int maxSpans = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : defaults.AttributionMaxSpans;
        int maxTraces = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : defaults.AttributionMaxTraces;
        int requests = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 400;
        var request = OtlpIngestBenchmarks.Build();

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var attributor = new TraceAttributor(new TraceAttributorOptions { MaxSpans = maxSpans, MaxTraces = maxTraces }, TimeProvider.System);
        var extractor = new TraceAssetExtractor(attributor);
        for (int r = 0; r < requests; r++)
        {
            foreach (var span in request.ResourceSpans.SelectMany(s => s.ScopeSpans).SelectMany(s => s.Spans))
            {
                byte[] id = span.TraceId.ToByteArray();
                BinaryPrimitives.WriteUInt32BigEndian(id, (uint)r + 1);
                span.TraceId = ByteString.CopyFrom(id);
            }

            extractor.Extract("tenant-a", OtlpDecoder.DecodeTraces(request.ToByteArray(), OtlpEncoding.Protobuf).Spans);
        }

        long held = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"attributor MaxSpans {maxSpans}, MaxTraces {maxTraces}, {requests} requests of {OtlpIngestBenchmarks.SpansPerBatch} spans: " +
            $"remembers {attributor.TraceCount} traces, {attributor.SpanCount} spans; holds {held / 1048576.0:0.0} MiB " +
            $"({(attributor.SpanCount == 0 ? 0 : held / attributor.SpanCount)} bytes a span, {(attributor.TraceCount == 0 ? 0 : held / attributor.TraceCount)} a trace)"));
        GC.KeepAlive(extractor);
        return 0;
    }
}
