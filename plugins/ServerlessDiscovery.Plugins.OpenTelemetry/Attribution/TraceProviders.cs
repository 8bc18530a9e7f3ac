using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

/// <summary>
/// The providers the model spans of one trace name: per model (at most <see cref="MaxModels"/>), and whether they all
/// name the same one. A model span that names no provider takes the provider given for its model, else the trace's
/// only provider; with several and none for its model it stays <see cref="ProviderNames.Unknown"/> rather than guess.
/// </summary>
internal sealed class TraceProviders
{
    private const int MaxModels = 16;

    private readonly Dictionary<string, string> _byModel = new(StringComparer.Ordinal);
    private string? _only;
    private bool _several;

    public void Add(string model, string provider)
    {
        if (_only is null)
        {
            _only = provider;
        }
        else if (!string.Equals(_only, provider, StringComparison.Ordinal))
        {
            _several = true;
        }

        if (_byModel.Count < MaxModels)
        {
            _byModel.TryAdd(AssetIds.Normalise(model), provider);
        }
    }

    /// <summary>The provider a span of this trace naming <paramref name="model"/> and no provider takes, or null.</summary>
    public string? For(string model) =>
        _byModel.TryGetValue(AssetIds.Normalise(model), out string? provider) ? provider : _several ? null : _only;
}
