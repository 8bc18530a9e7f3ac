using System.Net.Http.Headers;
using System.Text.Json;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>
/// Sends a plugin's requests to its provider: builds a fresh (re-signed) request per attempt, paces requests,
/// retries throttling and transient failures with exponential backoff and full jitter, honours Retry-After,
/// and parses JSON with a size limit. Failures surface as <see cref="ProviderException"/>.
/// </summary>
public sealed class ProviderHttpClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ProviderHttpOptions _options;
    private readonly TimeProvider _time;
    private readonly string _provider;
    private readonly SemaphoreSlim _pacing = new(1, 1);
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;

    public ProviderHttpClient(HttpClient http, ProviderHttpOptions options, TimeProvider time, string provider)
    {
        _http = http;
        _options = options;
        _time = time;
        _provider = provider;
    }

    /// <summary>Sends the request <paramref name="createRequest"/> builds (once per attempt) and parses the JSON reply.</summary>
    /// <param name="operation">Named in errors, e.g. "ListEndpoints".</param>
    public async Task<JsonDocument> SendJsonAsync(string operation, Func<CancellationToken, ValueTask<HttpRequestMessage>> createRequest, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await SendAsync(operation, createRequest, cancellationToken).ConfigureAwait(false);
        byte[] body = await ReadLimitedAsync(operation, response, cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
        }
        catch (JsonException ex)
        {
            throw new ProviderException($"{_provider} {operation} returned a malformed JSON response ({ex.Message}).", (int)response.StatusCode, null, ex);
        }
    }

    /// <summary>A GET with extra headers, parsed as JSON.</summary>
    public Task<JsonDocument> GetJsonAsync(string operation, Uri uri, Func<HttpRequestMessage, CancellationToken, ValueTask>? authorize = null, CancellationToken cancellationToken = default) =>
        SendJsonAsync(operation, async ct =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd("application/json");
            if (authorize is not null)
            {
                await authorize(request, ct).ConfigureAwait(false);
            }

            return request;
        }, cancellationToken);

    /// <summary>Sends with retries and returns a successful response (2xx); the caller disposes it.</summary>
    public async Task<HttpResponseMessage> SendAsync(string operation, Func<CancellationToken, ValueTask<HttpRequestMessage>> createRequest, CancellationToken cancellationToken = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            await PaceAsync(cancellationToken).ConfigureAwait(false);
            using HttpRequestMessage request = await createRequest(cancellationToken).ConfigureAwait(false);
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(_options.AttemptTimeout);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException)
            {
                string reason = ex is OperationCanceledException ? $"no answer within {_options.AttemptTimeout.TotalSeconds:0} s" : ex.Message;
                if (attempt >= _options.MaxAttempts)
                {
                    throw new ProviderException($"{_provider} {operation} failed after {attempt} attempts: {reason}", null, null, ex);
                }

                await DelayAsync(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                int status = (int)response.StatusCode;
                byte[] body = await ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
                (string? code, string? message) = ProviderErrors.Parse(body, response);
                bool retriable = status is 408 or 429 or 500 or 502 or 503 or 504 || ProviderErrors.IsThrottlingCode(code);
                TimeSpan? retryAfter = RetryAfter(response);
                if (retriable && attempt < _options.MaxAttempts && (retryAfter is null || retryAfter <= _options.MaxDelay))
                {
                    await DelayAsync(retryAfter ?? Backoff(attempt), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                string detail = message is null ? string.Empty : $": {Truncate(message)}";
                throw new ProviderException(
                    $"{_provider} {operation} answered {status} {(code ?? response.ReasonPhrase)}{detail}{(retriable ? $" (after {attempt} attempts)" : string.Empty)}",
                    status,
                    code);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        double max = Math.Min(_options.MaxDelay.TotalMilliseconds, _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * max);
#pragma warning restore CA5394
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            TimeSpan wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        if (_options.RequestsPerSecond <= 0)
        {
            return;
        }

        TimeSpan interval = TimeSpan.FromSeconds(1 / _options.RequestsPerSecond);
        await _pacing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_nextSlot > now)
            {
                await DelayAsync(_nextSlot - now, cancellationToken).ConfigureAwait(false);
                now = _nextSlot;
            }

            _nextSlot = now + interval;
        }
        finally
        {
            _pacing.Release();
        }
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, _time, cancellationToken);

    private async Task<byte[]> ReadLimitedAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
        {
            throw new ProviderException($"{_provider} {operation} returned {response.Content.Headers.ContentLength} bytes, over the {_options.MaxResponseBytes}-byte limit.", (int)response.StatusCode);
        }

        try
        {
            await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > _options.MaxResponseBytes)
                {
                    throw new ProviderException($"{_provider} {operation} returned more than the {_options.MaxResponseBytes}-byte limit.", (int)response.StatusCode);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderException($"{_provider} {operation}: the response was cut off ({ex.Message}).", (int)response.StatusCode, null, ex);
        }
    }

    private static async Task<byte[]> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return body.Length > 65536 ? body[..65536] : body;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return [];
        }
    }

    public void Dispose() => _pacing.Dispose();

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
