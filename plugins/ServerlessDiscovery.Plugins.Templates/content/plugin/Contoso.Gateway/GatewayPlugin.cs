using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Http;

namespace Contoso.Gateway;

/// <summary>One instance, alive for one verify or one scan. Every call goes through the host's HTTP (its egress policy).</summary>
internal sealed class GatewayPlugin(Uri baseUrl, string apiKey, IReadOnlyList<string> projects, PluginContext context) : IPlugin
{
    private const string Provider = "Contoso.Gateway";

    private readonly ProviderHttpClient _http = context.CreateProviderClient(Provider);
    private readonly ILogger _logger = context.LoggerFactory.CreateLogger<GatewayPlugin>();

    public async Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using JsonDocument _ = await ListModelsAsync(projects.Count == 0 ? null : projects[0], cancellationToken);
            return VerifyResult.Ok;
        }
        catch (ProviderException ex)
        {
            return VerifyResult.Fail(ex.Message);
        }
    }

    public async Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string?[] scopes = projects.Count == 0 ? [null] : [.. projects];
        foreach (string? project in scopes)
        {
            string scope = $"{GatewayPluginType.TypeId}:{baseUrl.Authority}" + (project is null ? string.Empty : $":{project}");
            await sink.RunScopeAsync(scope, async ct =>
            {
                using JsonDocument models = await ListModelsAsync(project, ct);
                foreach (JsonElement model in models.RootElement.GetProperty("data").EnumerateArray())
                {
                    string id = model.GetProperty("id").GetString() ?? throw new JsonException("A model has no id.");
                    await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Model, $"{baseUrl.Authority}/{project ?? "default"}/{id}", id, scope)
                    {
                        Attributes = new JsonObject
                        {
                            ["owned_by"] = model.TryGetProperty("owned_by", out JsonElement owner) ? owner.GetString() : null,
                            ["project"] = project,
                        },
                    }, ct);
                }
            }, _logger, Provider, cancellationToken);
        }
    }

    private Task<JsonDocument> ListModelsAsync(string? project, CancellationToken cancellationToken) =>
        _http.GetJsonAsync("ListModels", new Uri(baseUrl, "v1/models"), (request, _) =>
        {
            request.Headers.Authorization = new("Bearer", apiKey);
            if (project is not null)
            {
                request.Headers.Add("OpenAI-Project", project);
            }

            return ValueTask.CompletedTask;
        }, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
