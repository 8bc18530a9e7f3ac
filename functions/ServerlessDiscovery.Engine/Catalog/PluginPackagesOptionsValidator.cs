using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Engine.Catalog;

/// <summary>A configured plugin folder must exist: a typo there would otherwise start the app without its plugins.</summary>
internal sealed class PluginPackagesOptionsValidator : IValidateOptions<PluginPackagesOptions>
{
    public ValidateOptionsResult Validate(string? name, PluginPackagesOptions options)
    {
        if (options.MaxUnpackedBytes <= 0)
        {
            return ValidateOptionsResult.Fail($"{PluginPackagesOptions.Section}__{nameof(PluginPackagesOptions.MaxUnpackedBytes)} must be a positive number of bytes.");
        }

        return string.IsNullOrWhiteSpace(options.Path) || Directory.Exists(options.ResolveFolder())
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PluginPackagesOptions.Section}__{nameof(PluginPackagesOptions.Path)} '{options.Path}' is not a folder: point it at the folder of plugin packages (.nupkg files or unpacked folders).");
    }
}
