using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Ui;

/// <summary>/ui/ on the real app: the shipped files, anonymous even where the API needs a key, under the strict CSP.</summary>
public sealed class DashboardEndpointsTests
{
    private const string Key = "dashboard-key-0123456789abcdef";

    [Fact]
    public async Task Root_RedirectsToTheDashboard_WhoseFilesNeedNoKey_AndCarryTheStrictCsp()
    {
        await using TestApp app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = Key });
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        using (HttpResponseMessage root = await client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
            Assert.Equal("/ui/", root.Headers.Location?.OriginalString);
        }

        using (HttpResponseMessage page = await client.GetAsync("/ui/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            string csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
            string html = await page.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        }

        // The API beside it still needs the key.
        using (HttpResponseMessage api = await client.GetAsync("/api/v1/inventory"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }
    }

    [Fact]
    public async Task Files_AreServedCompressedWithTheirTypes_AndRevalidatedByETag()
    {
        await using TestApp app = await TestApp.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/vendor/cytoscape.esm.min.js");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using HttpResponseMessage script = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("gzip", Assert.Single(script.Content.Headers.ContentEncoding));
        Assert.Equal("no-cache", script.Headers.CacheControl?.ToString());

        using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/app.js");
        using HttpResponseMessage first = await client.GetAsync("/ui/app.js");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using HttpResponseMessage revalidated = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }

    [Theory]
    [InlineData("/ui/no-such-file.js")]
    [InlineData("/ui/../appsettings.json")]
    [InlineData("/ui/%2e%2e/ServerlessDiscovery.dll")]
    public async Task UnknownOrEscapingPath_Answers404Problem(string path)
    {
        await using TestApp app = await TestApp.StartAsync();
        using HttpResponseMessage response = await app.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(404, problem["status"]!.GetValue<int>());
    }
}
