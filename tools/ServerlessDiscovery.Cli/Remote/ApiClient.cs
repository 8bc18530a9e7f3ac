using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Cli.Remote;

/// <summary>A request to the service that did not succeed, with a message that says what to do about it.</summary>
internal sealed class SdRemoteException(string message, int? status = null) : Exception(message)
{
    /// <summary>The HTTP status, when the service answered.</summary>
    public int? Status { get; } = status;
}

/// <summary>
/// The service's REST API as `sd` uses it: the key from SD_API_KEY (or a prompt) as x-api-key, JSON replies, and every
/// failure turned into one plain sentence (401, 403, 404, 429, 5xx, network, timeout). Never prints the key.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private const int MaxReplyBytes = 64 * 1024 * 1024;
    private readonly HttpClient _http;

    public ApiClient(Uri baseAddress, string? apiKey, TimeSpan timeout)
    {
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout, MaxResponseContentBufferSize = MaxReplyBytes };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("sd", "1"));
        if (!string.IsNullOrEmpty(apiKey))
        {
            _http.DefaultRequestHeaders.Add("x-api-key", apiKey);
        }
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, cancellationToken);

    public Task<JsonObject> PostAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new SdRemoteException($"Cannot reach {BaseAddress} ({ex.Message}). Is the service running, and is --url right?");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SdRemoteException($"No answer from {BaseAddress} within {_http.Timeout.TotalSeconds:0} s.");
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return JsonNode.Parse(body) as JsonObject ?? throw new SdRemoteException($"{method} {path} answered {(int)response.StatusCode} without a JSON object.");
                }
                catch (JsonException)
                {
                    throw new SdRemoteException($"{method} {path} answered {(int)response.StatusCode} with a body that is not JSON; is --url a ServerlessDiscovery service?");
                }
            }

            throw new SdRemoteException(Describe(response, Detail(body)), (int)response.StatusCode);
        }
    }

    private static string Describe(HttpResponseMessage response, string? detail)
    {
        int status = (int)response.StatusCode;
        string said = detail is null ? string.Empty : $" The service said: {detail}";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"The service refused the key (401). Set SD_API_KEY to a key from the service's Api__Keys.{said}",
            HttpStatusCode.Forbidden => $"The key may not do this (403); a key bound to a tenant sees only that tenant.{said}",
            HttpStatusCode.NotFound => $"Not found (404).{said}",
            HttpStatusCode.TooManyRequests => $"The service is busy (429); retry {RetryAfter(response)}.{said}",
            _ when status >= 500 => $"The service failed ({status}); retry later, or look at its logs.{said}",
            _ => $"The request was refused ({status}).{said}",
        };
    }

    private static string RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => $"in {delta.TotalSeconds:0} s",
            { Date: { } date } => $"after {date:u}",
            _ => "shortly",
        };

    /// <summary>The problem's detail (and each invalid field), if the body is an RFC 7807 problem.</summary>
    private static string? Detail(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is not JsonObject problem)
            {
                return null;
            }

            string? text = (problem["detail"] ?? problem["title"])?.GetValue<string>();
            if (problem["errors"] is JsonObject errors)
            {
                text += " " + string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(" ", e.Value?.AsArray().Select(m => m?.GetValue<string>()) ?? [])}"));
            }

            return text;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
