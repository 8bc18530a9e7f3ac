using ServerlessDiscovery.Plugins.Azure.Discovery;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

public sealed class StoredUrlsTests
{
    [Theory]
    [InlineData("https://search.example.net/indexes/docs?api-key=secret-1", "https://search.example.net/indexes/docs")]
    [InlineData("https://user:secret-2@mcp.example.net:8443/mcp?code=secret-3#frag", "https://mcp.example.net:8443/mcp")]
    [InlineData("https://aoai.openai.azure.com/", "https://aoai.openai.azure.com/")]
    [InlineData("not a url?key=secret-4", "not a url")]
    public void WithoutQuery_KeepsSchemeHostPortAndPathOnly(string reported, string stored)
    {
        Assert.Equal(stored, StoredUrls.WithoutQuery(reported));
    }

    [Fact]
    public void WithoutQuery_Null_IsNull() => Assert.Null(StoredUrls.WithoutQuery(null));
}
