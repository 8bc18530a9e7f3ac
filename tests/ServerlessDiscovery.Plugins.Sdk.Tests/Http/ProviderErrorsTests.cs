using System.Text;

namespace ServerlessDiscovery.Plugins.Http;

public sealed class ProviderErrorsTests
{
    [Fact]
    public void Summary_LongMultiLineMessageWithCredentials_IsOneBoundedRedactedLine()
    {
        string message = "denied\r\nAuthorization: Bearer abcdef0123456789\n\t" + new string('x', 1000);

        string summary = ProviderErrors.Summary(message);

        Assert.StartsWith("denied Authorization: Bearer ********", summary, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', summary);
        Assert.Equal(ProviderErrors.MaxSummaryLength + 1, summary.Length);
        Assert.EndsWith("…", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HtmlBody_NamesThePageInsteadOfQuotingIt()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Forbidden);
        byte[] body = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body>key=abc</body></html>");

        (_, string? message) = ProviderErrors.Parse(body, response);

        Assert.Equal($"an HTML page of {body.Length} bytes", message);
    }
}
