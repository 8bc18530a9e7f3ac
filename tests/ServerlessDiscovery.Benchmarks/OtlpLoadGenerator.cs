using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// Load on the running app: OTLP/HTTP protobuf requests of 512 GenAI spans each, over keep-alive connections from
/// several concurrent senders, for a fixed time. Reports spans/s, request latency percentiles and status counts.
/// Every request has fresh trace ids (as live traffic does, so the app's trace attributor fills to its bounds) while
/// naming the same small set of assets: the request is serialised once and each send writes its own number into the
/// first four bytes of every trace id.
/// </summary>
internal static class OtlpLoadGenerator
{
    /// <summary>A trace id field as serialised: tag 1 (length-delimited), length 16, then the id's first 8 bytes (<see cref="OtlpIngestBenchmarks.Build"/>).</summary>
    private static readonly byte[] TraceIdField = [0x0A, 0x10, 0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03];

    public static async Task<int> RunAsync(string[] args)
    {
        var endpoint = new Uri(new Uri(args[0]), "v1/traces");
        int seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        int senders = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
        byte[] template = OtlpIngestBenchmarks.Build().ToByteArray();
        int[] traceIds = TraceIdOffsets(template);
        int sent = 0;

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = senders, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<double>[senders];
        var statuses = new Dictionary<int, int>[senders];
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async s =>
        {
            latencies[s] = [];
            statuses[s] = [];
            byte[] body = (byte[])template.Clone();
            while (!stop.IsCancellationRequested)
            {
                uint request = (uint)Interlocked.Increment(ref sent);
                foreach (int offset in traceIds)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(offset), request);
                }

                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                long start = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    using HttpResponseMessage response = await client.PostAsync(endpoint, content, CancellationToken.None);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                latencies[s].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                statuses[s][status] = statuses[s].GetValueOrDefault(status) + 1;
            }
        }));
        double elapsed = clock.Elapsed.TotalSeconds;

        double[] all = [.. latencies.SelectMany(l => l).Order()];
        int ok = statuses.Sum(d => d.GetValueOrDefault(200));
        long spans = (long)ok * OtlpIngestBenchmarks.SpansPerBatch;
        Console.WriteLine($"senders {senders}, {elapsed:0.0} s, {all.Length} requests of {OtlpIngestBenchmarks.SpansPerBatch} spans");
        Console.WriteLine($"accepted spans/s: {spans / elapsed:0}");
        Console.WriteLine($"latency ms: p50 {Percentile(all, 0.50):0.0}  p99 {Percentile(all, 0.99):0.0}  max {all.LastOrDefault():0.0}");
        Console.WriteLine("statuses: " + string.Join(", ", statuses.SelectMany(d => d).GroupBy(p => p.Key).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Sum(p => p.Value)}")));
        return ok > 0 ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    /// <summary>Where each span's trace id starts in the serialised request.</summary>
    private static int[] TraceIdOffsets(byte[] body)
    {
        var offsets = new List<int>();
        int from = 0;
        for (int at; (at = body.AsSpan(from).IndexOf(TraceIdField)) >= 0; from += at + TraceIdField.Length)
        {
            offsets.Add(from + at + 2);
        }

        if (offsets.Count != OtlpIngestBenchmarks.SpansPerBatch)
        {
            throw new InvalidOperationException($"Found {offsets.Count} trace ids in the request, expected {OtlpIngestBenchmarks.SpansPerBatch}.");
        }

        return [.. offsets];
    }
}
