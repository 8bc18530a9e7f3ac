using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

/// <summary>
/// The providers the model spans of one trace name: per model (at most <see cref="MaxModels"/>), and whether they all
/// name the same one. A model span that names no provider takes the provider given for its model, else the trace's
/// only provider; with several and none for its model it stays <see cref="ProviderNames.Unknown"/> rather than guess.
/// </summary>
/// <remarks>Most traces name one model: it is kept in fields, and the map is made for a trace's second model.</remarks>
internal sealed class TraceProviders
{
    private const int MaxModels = 16;

    private string? _firstModel;
    private string? _firstModelProvider;
    private Dictionary<string, string>? _moreModels;
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

        string normalised = AssetIds.Normalise(model);
        if (_firstModel is null)
        {
            (_firstModel, _firstModelProvider) = (normalised, provider);
        }
        else if (!string.Equals(_firstModel, normalised, StringComparison.Ordinal) && (_moreModels?.Count ?? 0) < MaxModels - 1)
        {
            (_moreModels ??= new Dictionary<string, string>(StringComparer.Ordinal)).TryAdd(normalised, provider);
        }
    }

    /// <summary>The provider a span of this trace naming <paramref name="model"/> and no provider takes, or null.</summary>
    public string? For(string model)
    {
        string normalised = AssetIds.Normalise(model);
        if (string.Equals(_firstModel, normalised, StringComparison.Ordinal))
        {
            return _firstModelProvider;
        }

        return _moreModels is not null && _moreModels.TryGetValue(normalised, out string? provider) ? provider : _several ? null : _only;
    }
}
