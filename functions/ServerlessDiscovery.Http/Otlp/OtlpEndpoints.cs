using System.IO.Compression;
using ServerlessDiscovery.Http.Security;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Domain.Availability;
using ServerlessDiscovery.Domain.Observations;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Http.Otlp;

/// <summary>
/// POST /v1/traces and /v1/logs: OTLP/HTTP in protobuf or JSON, optionally gzip. 415 for other content types or
/// encodings, 413 above Otlp__MaxBodyBytes (after decompression, so a gzip bomb stops at the limit), 400 for bodies
/// that do not decode or of which no span (log record) could be taken, 503 with Retry-After under overload or while
/// storage cannot take the data, and the OTLP response otherwise: partial_success counts the spans rejected (undecodable
/// ids) and its message also names spans kept with replaced ids (ids of non-standard length; OpenCITE's fixtures send them). The response is sent only once what the
/// request contributed (its bounded observations) is in the write-ahead journal, so an acknowledged request survives a
/// crash; <see cref="TraceFlusher"/> drains the journal into the inventory. Accepted requests are forwarded to webhooks.
/// </summary>
internal static partial class OtlpEndpoints
{
    public static void MapOtlp(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/{signal}", HandleAsync).WithTags("OTLP").DisableAntiforgery().RequireAuthorization(ApiKeyDefaults.Policy);
    }

    private static async Task<IResult> HandleAsync(
        string signal,
        HttpContext context,
        TenantExtractors extractors,
        OtlpAdmission admission,
        IObservationJournal journal,
        IStorageAvailability storage,
        TraceFlusher flusher,
        IOptions<OtlpOptions> options,
        IServiceProvider services,
        ILogger<OtlpAdmission> logger)
    {
        if (signal is not ("traces" or "logs"))
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"/v1/{signal} is not an OTLP signal this service accepts (traces, logs).");
        }

        Caller caller = context.User.GetCaller();

        OtlpEncoding? encoding = OtlpDecoder.EncodingOf(context.Request.ContentType);
        if (encoding is null)
        {
            return TypedResults.Problem(statusCode: 415, title: "Unsupported media type", detail: "Send application/x-protobuf or application/json.");
        }

        string contentEncoding = context.Request.Headers.ContentEncoding.ToString().Trim().ToLowerInvariant();
        if (contentEncoding is not ("" or "identity" or "gzip"))
        {
            return TypedResults.Problem(statusCode: 415, title: "Unsupported content encoding", detail: $"Content-Encoding '{contentEncoding}' is not supported; use gzip or none.");
        }

        if (admission.StorageDown(out int wait))
        {
            return StorageUnavailable(context, wait);
        }

        if (!admission.TryEnter(options.Value.MaxConcurrentRequests))
        {
            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(statusCode: 503, title: "Busy", detail: "Too many OTLP requests are being processed; retry shortly.");
        }

        try
        {
            (PooledBody? pooled, IResult? problem) = await ReadBodyAsync(context.Request, contentEncoding == "gzip", options.Value.MaxBodyBytes);
            if (pooled is null)
            {
                return problem!;
            }

            using PooledBody owner = pooled;
            ReadOnlyMemory<byte> body = pooled.Memory;

            Decoded decoded;
            try
            {
                decoded = await DecodeAndExtractAsync(signal, body, encoding.Value, extractors, caller.Tenant, context.RequestAborted);
                if (decoded.Problem is not null)
                {
                    return decoded.Problem;
                }

                if (decoded.Extraction is { } extraction && (extraction.Assets.Count > 0 || extraction.Edges.Count > 0))
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                    deadline.CancelAfter(JournalTimeout);
                    await journal.AppendAsync(caller.Tenant, JournalPayload.Encode(extraction), deadline.Token);
                    flusher.Observed(caller.Tenant, extraction.Assets);
                }
            }
            catch (Exception ex) when (storage.IsOutage(ex, context.RequestAborted))
            {
                admission.StorageFailed();
                LogStorageUnavailable(logger, caller.Tenant, ex.GetType().Name);
                return StorageUnavailable(context, (int)OtlpAdmission.OutageHold.TotalSeconds);
            }

            if (services.GetService<IOtlpForwarder>() is { } forwarder)
            {
                try
                {
                    await forwarder.ForwardAsync(caller.Tenant, signal, body, encoding.Value == OtlpEncoding.Protobuf, context.RequestAborted);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogForwardFailed(logger, caller.Tenant, ex.GetType().Name, ex.Message);
                }
            }

            byte[] reply = signal == "traces" ? OtlpResponses.Traces(encoding.Value, decoded.Rejected, decoded.Message) : OtlpResponses.Logs(encoding.Value, decoded.Rejected, decoded.Message);
            return TypedResults.Bytes(reply, OtlpResponses.ContentType(encoding.Value));
        }
        finally
        {
            admission.Exit();
        }
    }

    /// <summary>What a request contributes: its bounded observations and the partial-success counts, or the 400 it earns.</summary>
    private readonly record struct Decoded(TraceExtraction? Extraction, int Rejected, string? Message, IResult? Problem);

    /// <summary>
    /// Decodes the body and extracts its bounded observations. A method of its own so that the decoded spans, a request's
    /// largest objects, are garbage before the journal write is awaited: as a local of the handler a span list would be
    /// hoisted into its state machine and stay reachable until the answer, and every collection meanwhile would promote it.
    /// </summary>
    private static async ValueTask<Decoded> DecodeAndExtractAsync(string signal, ReadOnlyMemory<byte> body, OtlpEncoding encoding, TenantExtractors extractors, string tenant, CancellationToken cancellationToken)
    {
        IReadOnlyList<OtlpSpan> spans;
        int rejected;
        string? message;
        try
        {
            if (signal == "traces")
            {
                OtlpTraceBatch batch = OtlpDecoder.DecodeTraces(body, encoding);
                (spans, rejected, message) = (batch.Spans, batch.RejectedSpans, batch.Message);
            }
            else
            {
                OtlpLogBatch batch = OtlpDecoder.DecodeLogs(body, encoding);
                (spans, rejected, message) = (LogRecordSpans.ToSpans(batch.LogRecords), batch.RejectedLogRecords, batch.Message);
            }
        }
        catch (OtlpFormatException ex)
        {
            return new Decoded(null, 0, null, TypedResults.Problem(statusCode: 400, title: "Malformed OTLP request", detail: ex.Message));
        }
        catch (InvalidOperationException) when (encoding == OtlpEncoding.Json)
        {
            // System.Text.Json refuses to read a string holding a lone UTF-16 surrogate escape (\ud800) as text.
            return new Decoded(null, 0, null, TypedResults.Problem(statusCode: 400, title: "Malformed OTLP request", detail: "A JSON string in the body is not valid UTF-16 (a lone surrogate escape)."));
        }

        if (rejected > 0 && spans.Count == 0)
        {
            // Nothing in the request could be taken: a clear 400 rather than a 200 that accepted nothing.
            return new Decoded(null, rejected, message, TypedResults.Problem(statusCode: 400, title: "Malformed OTLP request", detail: $"Every {(signal == "traces" ? "span" : "log record")} of the request was rejected: {message}"));
        }

        TraceAssetExtractor extractor = await extractors.ForTenantAsync(tenant, cancellationToken);
        return new Decoded(ObservationBounds.Apply(extractor.Extract(tenant, spans)), rejected, message, null);
    }

    /// <summary>Longest wait for the journal before the request is answered 503 (storage's own retries included).</summary>
    private static readonly TimeSpan JournalTimeout = TimeSpan.FromSeconds(3);

    /// <summary>503 with Retry-After: OTLP exporters retry 429, 502, 503 and 504 after the server's Retry-After (OTLP/HTTP spec, "Retryable response codes").</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult StorageUnavailable(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: 503, title: "Storage unavailable", detail: "The observations cannot be stored durably right now; retry after the time in Retry-After.");
    }

    /// <summary>
    /// Reads the body into a pooled buffer (so steady traffic does not churn the large-object heap), decompressing gzip,
    /// and stops at the limit however large the body claims or inflates to.
    /// </summary>
    private static async Task<(PooledBody? Body, IResult? Problem)> ReadBodyAsync(HttpRequest request, bool gzip, int limit)
    {
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        Stream source = request.Body;
        GZipStream? inflater = null;
        var body = new PooledBody(gzip ? 65536 : (int)(request.ContentLength ?? 65536));
        try
        {
            if (gzip)
            {
                source = inflater = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
            }

            while (true)
            {
                int room = limit - body.Length;
                if (room == 0)
                {
                    // Full at the limit: one more byte means too large.
                    if (await source.ReadAsync(new byte[1], request.HttpContext.RequestAborted) > 0)
                    {
                        body.Dispose();
                        return (null, TooLarge(limit));
                    }

                    break;
                }

                if (body.Free == 0)
                {
                    body.Grow(Math.Min(limit, Math.Max(65536, body.Length * 2)));
                }

                int read = await source.ReadAsync(body.FreeMemory[..Math.Min(body.Free, room)], request.HttpContext.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                body.Advance(read);
            }

            return (body, null);
        }
        catch (InvalidDataException ex)
        {
            body.Dispose();
            return (null, TypedResults.Problem(statusCode: 400, title: "Malformed OTLP request", detail: $"The gzip body is invalid: {ex.Message}"));
        }
        catch
        {
            body.Dispose();
            throw;
        }
        finally
        {
            if (inflater is not null)
            {
                await inflater.DisposeAsync();
            }
        }
    }

    /// <summary>A request body in a buffer rented from the shared pool; nothing may keep the memory after disposal.</summary>
    private sealed class PooledBody(int initialSize) : IDisposable
    {
        private byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, initialSize));

        public int Length { get; private set; }

        public int Free => _buffer.Length - Length;

        public Memory<byte> FreeMemory => _buffer.AsMemory(Length);

        public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

        public void Advance(int count) => Length += count;

        public void Grow(int size)
        {
            byte[] larger = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
            _buffer.AsSpan(0, Length).CopyTo(larger);
            System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        public void Dispose()
        {
            if (_buffer.Length > 0)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem(statusCode: 413, title: "Payload too large", detail: $"The request body is over Otlp__MaxBodyBytes ({limit} bytes) after decompression.");

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "An OTLP request of tenant {Tenant} answered 503: storage cannot take its observations ({ErrorType})")]
    private static partial void LogStorageUnavailable(ILogger logger, string tenant, string errorType);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Forwarding an OTLP request of tenant {Tenant} to webhooks failed ({ErrorType}: {Error})")]
    private static partial void LogForwardFailed(ILogger logger, string tenant, string errorType, string error);
}
