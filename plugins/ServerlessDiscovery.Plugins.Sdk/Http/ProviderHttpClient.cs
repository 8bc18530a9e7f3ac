using System.Text.Json;
using Polly;
using Polly.Timeout;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>
/// Sends a plugin's requests to its provider through a Polly pipeline (see <see cref="ProviderResilience"/>): builds a
/// fresh (re-signed) request per attempt, paces attempts, retries throttling and transient failures with exponential
/// backoff and jitter, honours Retry-After up to MaxDelay, times out each attempt and the whole request, and parses
/// JSON with a size limit. Failures surface as <see cref="ProviderException"/>.
/// </summary>
public sealed class ProviderHttpClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ProviderHttpOptions _options;
    private readonly string _provider;
    private readonly PacingStrategy? _pacing;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ProviderHttpClient(HttpClient http, ProviderHttpOptions options, TimeProvider time, string provider)
    {
        _http = http;
        _options = options;
        _provider = provider;
        _pacing = options.RequestsPerSecond > 0 ? new PacingStrategy(options.RequestsPerSecond, time) : null;
        _pipeline = ProviderResilience.Create(options, time, _pacing);
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
        int attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    using HttpRequestMessage request = await createRequest(ct).ConfigureAwait(false);
                    return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException or TimeoutRejectedException)
        {
            string reason = ex switch
            {
                TimeoutRejectedException timeout => $"no answer within {timeout.Timeout.TotalSeconds:0} s",
                OperationCanceledException => "the request timed out",
                _ => ex.Message,
            };
            throw new ProviderException($"{_provider} {operation} failed after {attempts} attempts: {reason}", null, null, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            byte[] body = await ProviderErrors.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            (string? code, string? message) = ProviderErrors.Parse(body, response);
            bool retriable = await ProviderResilience.IsRetriableAsync(response, cancellationToken).ConfigureAwait(false);
            string detail = message is null ? string.Empty : $": {ProviderErrors.Summary(message)}";
            throw new ProviderException(
                $"{_provider} {operation} answered {status} {(code ?? response.ReasonPhrase)}{detail}{(retriable ? $" (after {attempts} attempts)" : string.Empty)}",
                status,
                code);
        }
    }

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

    public void Dispose() => _pacing?.Dispose();
}
