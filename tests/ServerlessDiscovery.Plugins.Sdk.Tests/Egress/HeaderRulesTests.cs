namespace ServerlessDiscovery.Plugins.Egress.Tests;

public sealed class HeaderRulesTests
{
    [Theory]
    [InlineData("Authorization")]
    [InlineData("X-Api-Key")]
    [InlineData("x-ms-client-request-id")]
    [InlineData("Metadata-Flavor")]
    public void CheckName_TokenName_Accepted(string name) => Assert.Null(HeaderRules.CheckName(name));

    [Theory]
    [InlineData("")]
    [InlineData("X Api Key")]
    [InlineData("X-Api-Key:")]
    [InlineData("X-Api\r\nKey")]
    [InlineData("X-Ünicode")]
    [InlineData("Host")]
    [InlineData("host")]
    [InlineData("Connection")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Content-Length")]
    [InlineData("Upgrade")]
    [InlineData("Proxy-Authorization")]
    [InlineData("TE")]
    [InlineData("Keep-Alive")]
    public void CheckName_InvalidOrHopByHop_Refused(string name) => Assert.NotNull(HeaderRules.CheckName(name));

    [Theory]
    [InlineData("Bearer abc\r\nX-Injected: 1")]
    [InlineData("abc\ndef")]
    [InlineData("abc\rdef")]
    [InlineData("abc\0def")]
    public void CheckValue_LineBreakOrNul_RefusedWithoutQuotingIt(string value)
    {
        string? error = HeaderRules.CheckValue(value);
        Assert.NotNull(error);
        Assert.DoesNotContain("abc", error, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckValue_TooLong_Refused() => Assert.NotNull(HeaderRules.CheckValue(new string('a', HeaderRules.MaxValueLength + 1)));

    [Fact]
    public void CheckValue_Ordinary_Accepted() => Assert.Null(HeaderRules.CheckValue("Bearer eyJhbGciOi.x.y"));
}
