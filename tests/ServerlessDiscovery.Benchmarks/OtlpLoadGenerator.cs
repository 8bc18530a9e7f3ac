using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Google.Protobuf;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// Load on the running app: OTLP/HTTP protobuf requests of 512 GenAI spans each, over keep-alive connections from
/// several concurrent senders, for a fixed time. Reports spans/s, request latency percentiles and status counts.
/// Every request has fresh trace ids (as live traffic does) while naming the same small set of assets.
/// </summary>
internal static class OtlpLoadGenerator
{
    private const int Variants = 64;

    public static async Task<int> RunAsync(string[] args)
    {
        var endpoint = new Uri(new Uri(args[0]), "v1/traces");
        int seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        int senders = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
        byte[][] bodies = [.. Enumerable.Range(0, Variants).Select(Variant)];

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
            int n = s;
            while (!stop.IsCancellationRequested)
            {
                using var content = new ByteArrayContent(bodies[n++ % Variants]);
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

    private static byte[] Variant(int variant)
    {
        ExportTraceServiceRequest request = OtlpIngestBenchmarks.Build();
        foreach (var span in request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
        {
            byte[] id = span.TraceId.ToByteArray();
            id[0] = (byte)variant;
            id[1] = (byte)(variant >> 8);
            span.TraceId = ByteString.CopyFrom(id);
        }

        return request.ToByteArray();
    }
}
