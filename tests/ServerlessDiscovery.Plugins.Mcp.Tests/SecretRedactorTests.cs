using ServerlessDiscovery.Plugins.Mcp.Discovery;

namespace ServerlessDiscovery.Plugins.Mcp.Tests;

public sealed class SecretRedactorTests
{
    [Fact]
    public void Redact_TextEchoingSecrets_ReplacesEveryOccurrence()
    {
        var redactor = new SecretRedactor(["Bearer abc123", "abc123", "xyz"]);

        string text = redactor.Redact("sent 'Bearer abc123', then abc123 again; xyz stays (too short to redact safely)");

        Assert.Equal("sent '***', then *** again; xyz stays (too short to redact safely)", text);
    }
}
