using Google.Apis.Http;

namespace ServerlessDiscovery.Plugins.Google.Credentials;

/// <summary>
/// Makes Google.Apis.Auth send its token requests through the plugins' HttpClient, so a service-account key's
/// token_uri is reached through the egress address policy like every other provider URL.
/// </summary>
internal sealed class PluginHttpClientFactory(PluginContext context) : HttpClientFactory
{
    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) => new Forwarding(context.CreateHttpClient());

    /// <summary>
    /// The innermost handler of Google's pipeline: hands each request to the plugins' client. An HttpClient sends a
    /// request message once only, and Google's own client has sent this one, so a copy sharing its content goes on.
    /// </summary>
    private sealed class Forwarding(HttpClient client) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var copy = new HttpRequestMessage(request.Method, request.RequestUri)
            {
                Content = request.Content,
                Version = request.Version,
                VersionPolicy = request.VersionPolicy,
            };
            foreach ((string name, IEnumerable<string> values) in request.Headers)
            {
                copy.Headers.TryAddWithoutValidation(name, values);
            }

            // The copy is the response's RequestMessage; the content stays the original request's to dispose.
            return client.SendAsync(copy, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                client.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
