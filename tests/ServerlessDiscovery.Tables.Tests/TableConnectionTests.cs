namespace ServerlessDiscovery.Tables.Tests;

public sealed class TableConnectionTests
{
    [Fact]
    public void Parse_DevelopmentStorage_PointsAtAzurite()
    {
        TableConnection c = TableConnection.Parse("UseDevelopmentStorage=true");
        Assert.Equal("devstoreaccount1", c.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), c.Endpoint);
    }

    [Fact]
    public void Parse_AccountAndKey_UsesSuffix()
    {
        TableConnection c = TableConnection.Parse("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=AAAA;EndpointSuffix=core.usgovcloudapi.net");
        Assert.Equal(new Uri("https://acct.table.core.usgovcloudapi.net"), c.Endpoint);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("AccountKey=AAAA", "AccountName")]
    [InlineData("AccountName=a", "AccountKey")]
    [InlineData("AccountName=a;AccountKey=not base64!", "base64")]
    [InlineData("AccountName=a;AccountKey=AAAA;TableEndpoint=ftp://x", "TableEndpoint")]
    [InlineData("garbage", "name=value")]
    public void Parse_Malformed_ThrowsNamingThePart(string value, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => TableConnection.Parse(value));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadKey_NeverEchoesTheKey()
    {
        var ex = Assert.Throws<FormatException>(() => TableConnection.Parse("AccountName=a;AccountKey=s3cr3t-not-base64"));
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
    }
}
