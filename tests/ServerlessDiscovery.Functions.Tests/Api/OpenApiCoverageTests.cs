using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// The OpenAPI document as a client generator reads it: every operation under /api/v1 describes its success reply (a named
/// schema for JSON, or the content types it writes; a redirect its status) and the problems any route can answer (400 for a malformed tenant id,
/// 401 without a valid key, 503 while storage is unreachable).
/// </summary>
public sealed class OpenApiCoverageTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync();

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task EveryApiOperation_DescribesItsSuccessReply()
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        var undescribed = new List<string>();
        foreach ((string path, string method, JsonObject responses) in Operations(document))
        {
            KeyValuePair<string, JsonNode?>[] success = [.. responses.Where(r => r.Key.StartsWith('2'))];
            if (success.Length == 0 && !responses.Any(r => r.Key.StartsWith('3')))
            {
                undescribed.Add($"{method} {path}: no 2xx (or redirect) response");
                continue;
            }

            foreach ((string status, JsonNode? response) in success)
            {
                JsonObject? content = response!["content"]?.AsObject();
                if (content is null || content.Count == 0)
                {
                    undescribed.Add($"{method} {path} {status}: no content described");
                    continue;
                }

                foreach ((string type, JsonNode? media) in content)
                {
                    // A JSON reply names its schema; another media type (CSV, CycloneDX XML) says what it is.
                    bool json = type.Contains("json", StringComparison.Ordinal);
                    if (json && media?["schema"]?["$ref"] is null && media?["schema"]?["type"] is null)
                    {
                        undescribed.Add($"{method} {path} {status} {type}: no schema");
                    }
                }
            }
        }

        Assert.True(undescribed.Count == 0, "Operations whose success reply the document does not describe:\n" + string.Join('\n', undescribed));
    }

    [Fact]
    public async Task EveryApiOperation_ListsTheProblemsAnyRouteCanAnswer()
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        (string Path, string Method, JsonObject Responses)[] operations = [.. Operations(document)];
        Assert.True(operations.Length >= 40, $"Only {operations.Length} operations under /api/v1 in the document.");
        foreach ((string path, string method, JsonObject responses) in operations)
        {
            foreach (string status in new[] { "400", "401", "503" })
            {
                Assert.True(
                    responses[status]?["content"]?["application/problem+json"] is not null,
                    $"{method} {path} does not list its {status} problem.");
            }
        }
    }

    private static IEnumerable<(string Path, string Method, JsonObject Responses)> Operations(JsonObject document)
    {
        foreach ((string path, JsonNode? item) in document["paths"]!.AsObject())
        {
            if (!path.StartsWith("/api/v1/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach ((string method, JsonNode? operation) in item!.AsObject())
            {
                if (operation?["responses"] is JsonObject responses)
                {
                    yield return (path, method, responses);
                }
            }
        }
    }
}
