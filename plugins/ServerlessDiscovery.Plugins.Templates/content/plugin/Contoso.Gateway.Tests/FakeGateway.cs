using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Contoso.Gateway.Tests;

/// <summary>
/// A loopback fake of the provider, answering as the OpenAI API reference documents "List models": GET /v1/models with
/// <c>Authorization: Bearer</c> (and optional <c>OpenAI-Project</c>) returns <c>{"object":"list","data":[{"id","object":"model","created","owned_by"}]}</c>;
/// a key it does not accept (for that project) gets 401 with <c>{"error":{"message","type","param","code":"invalid_api_key"}}</c>.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeGateway(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Every Authorization header the fake received, to check what the plugin sent.</summary>
    public ConcurrentQueue<string> AuthorizationHeaders { get; } = new();

    /// <summary>Starts the fake: <paramref name="keys"/> maps an API key to the projects it may read ("" is the default project), <paramref name="models"/> a project to its model ids.</summary>
    public static async Task<FakeGateway> StartAsync(IReadOnlyDictionary<string, string[]> keys, IReadOnlyDictionary<string, string[]> models)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        WebApplication app = builder.Build();
        FakeGateway? fake = null;
        app.MapGet("/v1/models", (HttpContext http) =>
        {
            string authorization = http.Request.Headers.Authorization.ToString();
            fake!.AuthorizationHeaders.Enqueue(authorization);
            string project = http.Request.Headers["OpenAI-Project"].ToString();
            string key = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : string.Empty;
            if (!keys.TryGetValue(key, out string[]? projects) || !projects.Contains(project))
            {
                return Results.Json(
                    new { error = new { message = "Incorrect API key provided.", type = "invalid_request_error", param = (string?)null, code = "invalid_api_key" } },
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            return Results.Json(new
            {
                @object = "list",
                data = models.GetValueOrDefault(project, []).Select(id => new { id, @object = "model", created = 1_686_935_002, owned_by = "contoso" }),
            });
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeGateway(app, new Uri(address.TrimEnd('/') + "/"));
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
