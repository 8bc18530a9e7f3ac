namespace ServerlessDiscovery.Plugins.Redaction;

public sealed class UrlRedactionTests
{
    [Theory]
    [InlineData("https://user:pw@fn.azurewebsites.net/api/chat?code=abc&api-version=1#frag", "https://REDACTED@fn.azurewebsites.net/api/chat?code=REDACTED&api-version=REDACTED")]
    [InlineData("https://api.example.com/v1", "https://api.example.com/v1")]
    [InlineData("not a url?key=abc", "not a url")]
    [InlineData("", "")]
    public void Redact_Url_MasksEveryQueryValueAndUserInfo(string url, string expected)
    {
        Assert.Equal(expected, UrlRedaction.Redact(url));
    }
}
