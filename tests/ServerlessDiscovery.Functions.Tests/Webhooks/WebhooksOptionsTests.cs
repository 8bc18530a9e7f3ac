using Microsoft.Extensions.Options;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Webhooks;

/// <summary>Webhooks__* is validated at start-up with messages naming the setting.</summary>
public sealed class WebhooksOptionsTests
{
    [Theory]
    [InlineData("Webhooks:MaxAttempts", "0", "Webhooks__MaxAttempts")]
    [InlineData("Webhooks:BaseDelay", "00:00:00", "Webhooks__BaseDelay")]
    [InlineData("Webhooks:MaxDelay", "00:00:01", "Webhooks__MaxDelay")]
    [InlineData("Webhooks:Timeout", "00:30:00", "Webhooks__Timeout")]
    [InlineData("Egress:AllowedNetworks", "10.0.0.0/99", "Egress__AllowedNetworks")]
    [InlineData("Egress:AllowedNetworks", "bad host!", "Egress__AllowedNetworks")]
    public async Task Start_BadWebhooksSetting_FailsNamingIt(string key, string value, string expected)
    {
        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
