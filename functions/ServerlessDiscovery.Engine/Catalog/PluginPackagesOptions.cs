namespace ServerlessDiscovery.Engine.Catalog;

/// <summary>
/// Where plugins built outside this repository are loaded from at start-up (PluginPackages__Path). Each entry of the
/// folder is one plugin: a <c>.nupkg</c> file or an unpacked folder (a <c>dotnet publish</c> output, or a package's
/// <c>lib/net10.0</c>). Unset: the <c>plugins</c> folder beside the executable, if the deployment package has one.
/// </summary>
public sealed class PluginPackagesOptions
{
    public const string Section = "PluginPackages";

    /// <summary>The plugin folder; relative paths are relative to the executable's folder.</summary>
    public string? Path { get; set; }

    /// <summary>The largest a <c>.nupkg</c> may unpack to; a larger one is refused, not extracted.</summary>
    public long MaxUnpackedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The folder to read, or null when none is configured and the default one does not exist.</summary>
    public string? ResolveFolder()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            string beside = System.IO.Path.Combine(AppContext.BaseDirectory, "plugins");
            return Directory.Exists(beside) ? beside : null;
        }

        return System.IO.Path.GetFullPath(Path, AppContext.BaseDirectory);
    }
}
