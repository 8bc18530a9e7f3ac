using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Configuration;
using ServerlessDiscovery.Plugins.Aws.Credentials;
using ServerlessDiscovery.Plugins.Aws.Signing;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.Http;

/// <summary>
/// Sends SigV4-signed requests through the SDK's <see cref="ProviderHttpClient"/> (retries, pacing, limits); every
/// attempt is signed afresh, so a retried request carries a current date. Speaks the two AWS protocols used here:
/// JSON 1.1 (POST / with X-Amz-Target) and REST-JSON.
/// </summary>
internal sealed class AwsApiClient(ProviderHttpClient http, AwsCredentialSource credentials, TimeProvider time)
{
    /// <summary>A JSON 1.1 call: POST / with X-Amz-Target {targetPrefix}.{operation}.</summary>
    public Task<JsonDocument> CallJson11Async(AwsService service, string region, string operation, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(service, region, operation, HttpMethod.Post, string.Empty, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/x-amz-json-1.1", $"{service.TargetPrefix}.{operation}", cancellationToken);

    /// <summary>A REST-JSON call to <paramref name="relativePath"/> (with its query), optionally with a JSON body.</summary>
    public Task<JsonDocument> CallRestAsync(AwsService service, string region, string operation, HttpMethod method, string relativePath, JsonObject? body, CancellationToken cancellationToken) =>
        SendAsync(service, region, operation, method, relativePath, body is null ? [] : Encoding.UTF8.GetBytes(body.ToJsonString()), body is null ? null : "application/json", null, cancellationToken);

    /// <summary>
    /// A query-protocol call (STS): form-encoded POST. The protocol's documented reply is XML, so XML is asked for; STS
    /// also honours Accept: application/json, so the reply's media type is returned with its text for the caller to parse.
    /// </summary>
    public async Task<QueryReply> CallQueryAsync(Uri endpoint, string region, string signingService, string operation, string form, CancellationToken cancellationToken)
    {
        byte[] payload = Encoding.UTF8.GetBytes(form);
        using HttpResponseMessage response = await http.SendAsync(operation, ct => CreateAsync(endpoint, region, signingService, HttpMethod.Post, payload, "application/x-www-form-urlencoded; charset=utf-8", null, "text/xml", ct), cancellationToken);
        return new QueryReply(response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private Task<JsonDocument> SendAsync(AwsService service, string region, string operation, HttpMethod method, string relativePath, byte[] payload, string? contentType, string? target, CancellationToken cancellationToken)
    {
        Uri uri = new(service.BaseUri(region), relativePath);
        return http.SendJsonAsync(operation, ct => CreateAsync(uri, region, service.SigningName, method, payload, contentType, target, "application/json", ct), cancellationToken);
    }

    private async ValueTask<HttpRequestMessage> CreateAsync(Uri uri, string region, string signingService, HttpMethod method, byte[] payload, string? contentType, string? target, string accept, CancellationToken cancellationToken)
    {
        AwsCredentials current = await credentials.GetAsync(cancellationToken);
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.ParseAdd(accept);
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(payload);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        SigV4Signer.Sign(request, payload, current, region, signingService, time.GetUtcNow());
        return request;
    }
}

/// <summary>A query-protocol reply: its media type (XML unless the service chose otherwise) and its text.</summary>
internal sealed record QueryReply(string? MediaType, string Body)
{
    public bool IsJson => MediaType is { } type && (type.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}

/// <summary>One AWS service as this plugin calls it: where (per region), how it signs, and its JSON 1.1 target prefix.</summary>
internal sealed record AwsService(string Name, string SigningName, string EndpointTemplate, string? TargetPrefix = null)
{
    public Uri BaseUri(string region) => AwsSettings.ResolveEndpoint(EndpointTemplate, region);
}
