using System.Diagnostics;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Decoding.Protobuf;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// OTLP decoding per core measured in CPU time rather than wall time, so a busy shared machine does not distort it:
/// decodes the benchmark request (512 GenAI spans) as protobuf and as OTLP/JSON for a fixed number of rounds on one
/// thread and reports spans per CPU-second of the process (JIT and GC included); then the same with normalisation and
/// asset extraction (the whole per-request CPU work of ingestion, no I/O). Each line also gives the managed memory one
/// request allocates (the thread's allocation counter over the rounds). "protobuf (generated parser, before)" is the
/// decoding the wire reader replaced (<see cref="OtlpProtobufReference"/>), for comparison.
/// </summary>
internal static class OtlpDecodeCpuBenchmark
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
        var request = OtlpIngestBenchmarks.Build();
        byte[] protobuf = request.ToByteArray();
        byte[] json = Encoding.UTF8.GetBytes(OtlpIngestBenchmarks.ToOtlpJson(request));
        Console.WriteLine($"request: {OtlpIngestBenchmarks.SpansPerBatch} spans, protobuf {protobuf.Length} bytes, OTLP/JSON {json.Length} bytes, {rounds} rounds each");
        Measure("protobuf", () => OtlpDecoder.DecodeTraces(protobuf, OtlpEncoding.Protobuf).Spans.Count, rounds);
        Measure("protobuf (generated parser, before)", () => OtlpProtobufReference.DecodeTraces(protobuf).Spans.Count, rounds);
        Measure("json", () => OtlpDecoder.DecodeTraces(json, OtlpEncoding.Json).Spans.Count, rounds);
        var extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));
        ulong round = 0;
        int Ingest(OtlpTraceBatch batch)
        {
            // A tenant per round keeps every batch's traces new to the attributor, as with live traffic.
            extractor.Extract($"t{round++ % 64}", batch.Spans);
            return batch.Spans.Count;
        }

        Measure("protobuf ingest", () => Ingest(OtlpDecoder.DecodeTraces(protobuf, OtlpEncoding.Protobuf)), rounds);
        Measure("json ingest", () => Ingest(OtlpDecoder.DecodeTraces(json, OtlpEncoding.Json)), rounds);
        return 0;
    }

    private static void Measure(string name, Func<int> decode, int rounds)
    {
        for (int i = 0; i < Math.Max(50, rounds / 10); i++)
        {
            decode();
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan before = process.TotalProcessorTime;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long spans = 0;
        for (int i = 0; i < rounds; i++)
        {
            spans += decode();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - before).TotalSeconds;
        Console.WriteLine($"{name}: {spans / cpu:0} spans per CPU-second ({spans} spans in {cpu:0.00} CPU-s), {allocated / rounds / 1024} KiB allocated a request");
    }
}
