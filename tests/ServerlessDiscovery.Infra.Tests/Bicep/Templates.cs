namespace ServerlessDiscovery.Infra.Tests.Bicep;

/// <summary>The repository's templates, parsed once.</summary>
internal static class Templates
{
    private static readonly Lazy<BicepFile> LazyMain = new(() => BicepFile.Load(Path.Combine(RepoPaths.Bicep, "main.bicep")));

    public static BicepFile Main => LazyMain.Value;

    public static BicepFile Module(string relativePath) => BicepFile.Load(Path.GetFullPath(Path.Combine(RepoPaths.Bicep, relativePath)));

    /// <summary>main.bicep and every module file under infra/bicep/modules.</summary>
    public static IEnumerable<BicepFile> All() =>
        Directory.EnumerateFiles(RepoPaths.Bicep, "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(BicepFile.Load);

    public static IEnumerable<object[]> AllFileNames() =>
        Directory.EnumerateFiles(RepoPaths.Bicep, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Bicep, f))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { f });
}
