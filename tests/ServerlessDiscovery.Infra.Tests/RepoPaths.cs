namespace ServerlessDiscovery.Infra.Tests;

/// <summary>Where the repository and the shared Azure resource catalogue are.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding ServerlessDiscovery.sln: SD_TEST_REPO_ROOT, or found walking up from the test binaries.</summary>
    public static string Root => LazyRoot.Value;

    public static string Bicep => Path.Combine(Root, "infra", "bicep");

    public static string Functions => Path.Combine(Root, "functions");

    /// <summary>
    /// shared/azure beside the repository (data for checks, kept outside the project); SD_TEST_AZURE_CATALOGUE
    /// names the file instead where the checkout is not beside shared/ (a worktree elsewhere).
    /// </summary>
    public static string AzureCatalogue =>
        Environment.GetEnvironmentVariable("SD_TEST_AZURE_CATALOGUE") is { Length: > 0 } file
            ? file
            : Path.GetFullPath(Path.Combine(Root, "..", "shared", "azure", "azure-resource-types.json.gz"));

    public static string InRoot(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("SD_TEST_REPO_ROOT");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (!File.Exists(Path.Combine(fromEnv, "ServerlessDiscovery.sln")))
            {
                throw new InvalidOperationException($"SD_TEST_REPO_ROOT '{fromEnv}' holds no ServerlessDiscovery.sln.");
            }

            return Path.GetFullPath(fromEnv);
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessDiscovery.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ServerlessDiscovery.sln above {AppContext.BaseDirectory}; set SD_TEST_REPO_ROOT.");
    }
}
