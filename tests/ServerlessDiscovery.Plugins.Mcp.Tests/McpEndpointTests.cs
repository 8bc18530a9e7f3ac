using ServerlessDiscovery.Plugins.Mcp.Configuration;

namespace ServerlessDiscovery.Plugins.Mcp.Tests;

public sealed class McpEndpointTests
{
    [Theory]
    [InlineData("https://MCP.Example.com:443/mcp/", "https://mcp.example.com/mcp")]
    [InlineData("http://user:pass@127.0.0.1:8080/sse?api_key=abc#x", "http://127.0.0.1:8080/sse")]
    [InlineData("https://example.com", "https://example.com")]
    public void NormaliseUrl_Variants_DropCredentialsAndNoise(string url, string expected) =>
        Assert.Equal(expected, McpEndpoint.NormaliseUrl(new Uri(url)));

    [Fact]
    public void CommandLine_ArgumentsWithSpaces_AreQuoted() =>
        Assert.Equal("npx -y \"my server\" \"\"", McpEndpoint.CommandLine("npx", ["-y", "my server", ""]));
}
