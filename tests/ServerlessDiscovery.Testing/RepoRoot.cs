namespace ServerlessDiscovery.Testing;

/// <summary>The checkout the tests run from (the folder holding ServerlessDiscovery.sln).</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "ServerlessDiscovery.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"No ServerlessDiscovery.sln above {AppContext.BaseDirectory}.");
    }
}
