using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ServerlessDiscovery.Cli.Remote;

/// <summary>
/// One remote command's connection: the service at --url with the key from SD_API_KEY; without one, the first 401 asks
/// for the key at a hidden prompt (interactive terminals only) and retries once.
/// </summary>
internal sealed class RemoteSession(SdTerminal terminal, Uri url, bool json) : IDisposable
{
    public const string KeyVariable = "SD_API_KEY";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private ApiClient _client = new(url, terminal.Variable(KeyVariable), RequestTimeout);
    private bool _prompted = !string.IsNullOrEmpty(terminal.Variable(KeyVariable));

    public SdTerminal Terminal => terminal;

    /// <summary>--json: print the service's JSON instead of tables.</summary>
    public bool Json => json;

    public Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken) => WithKeyAsync(c => c.GetAsync(path, cancellationToken));

    public Task<JsonObject> PostAsync(string path, CancellationToken cancellationToken) => WithKeyAsync(c => c.PostAsync(path, cancellationToken));

    /// <summary>Prints the JSON as it came (indented) on stdout.</summary>
    public void WriteJson(JsonNode node) => terminal.WriteRaw(node.ToJsonString(Indented) + Environment.NewLine);

    public void Dispose() => _client.Dispose();

    private async Task<JsonObject> WithKeyAsync(Func<ApiClient, Task<JsonObject>> call)
    {
        try
        {
            return await call(_client);
        }
        catch (SdRemoteException ex) when (ex.Status == 401 && !_prompted)
        {
            _prompted = true;
            if (terminal.PromptSecret($"API key for {Markup.Escape(url.ToString())}:") is not { Length: > 0 } key)
            {
                throw;
            }

            _client.Dispose();
            _client = new ApiClient(url, key, RequestTimeout);
            return await call(_client);
        }
    }
}
