using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Webhooks;

namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>What one attempt came to.</summary>
internal readonly record struct AttemptResult(bool Delivered, bool Permanent, int? Status, string? Error, TimeSpan? RetryAfter);

/// <summary>
/// Makes one HTTP attempt of a delivery: the body, the subscriber's configured headers, the signature (and OpenCITE's,
/// when the subscription asks for it) and delivery headers, and nothing from any inbound request. Connections go through <see cref="AddressPolicy"/>.
/// </summary>
internal sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhooksOptions> options, TimeProvider time)
{
    public const string ClientName = "webhooks";
    public const string DeliveryHeader = "X-ServerlessDiscovery-Delivery";
    public const string AttemptHeader = "X-ServerlessDiscovery-Attempt";

    /// <summary>Headers we set ourselves; a subscription may not configure them (nor connection-level ones: HeaderRules).</summary>
    public static readonly string[] ReservedHeaders =
        [DeliverySignature.Header, DeliverySignature.OpenCiteHeader, DeliveryHeader, AttemptHeader];

    public async Task<AttemptResult> SendAsync(WebhookSubscription subscription, WebhookDelivery delivery, int attempt, CancellationToken cancellationToken)
    {
        byte[] body = delivery.Body ?? [];
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(delivery.ContentType);
        foreach ((string name, string value) in subscription.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                continue; // The payload's own type wins; the subscriber's Content-Type only chose the OTLP encoding.
            }

            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation(DeliverySignature.Header, DeliverySignature.Create(subscription.Secret, time.GetUtcNow().ToUnixTimeSeconds(), body));
        if (subscription.OpenCiteSignature)
        {
            request.Headers.TryAddWithoutValidation(DeliverySignature.OpenCiteHeader, DeliverySignature.CreateOpenCite(subscription.Secret, body));
        }

        request.Headers.TryAddWithoutValidation(DeliveryHeader, delivery.Id);
        request.Headers.TryAddWithoutValidation(AttemptHeader, attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            HttpClient client = clients.CreateClient(ClientName);
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new AttemptResult(true, false, status, null, null);
            }

            bool permanent = status is >= 400 and < 500 && response.StatusCode is not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests;
            return new AttemptResult(false, permanent, status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd(), RetrySchedule.RetryAfter(response.Headers, time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(false, false, null, $"No response within {options.Value.Timeout}.", null);
        }
        catch (HttpRequestException ex)
        {
            // The message names the host and the failure, never a header value.
            return new AttemptResult(false, false, null, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message, null);
        }
    }
}
