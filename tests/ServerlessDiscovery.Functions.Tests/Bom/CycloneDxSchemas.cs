using System.Text.Json.Nodes;
using Json.Schema;

namespace ServerlessDiscovery.Functions.Tests.Bom;

/// <summary>
/// The official CycloneDX JSON schemas, read at test time from the CycloneDX project's own npm package
/// (@cyclonedx/cyclonedx-library, res/schema/, pinned in package.json and installed by scripts/lib.sh's npm ci),
/// with the SPDX, JSF and cryptography schemas they reference, validated with JsonSchema.Net (formats asserted).
/// </summary>
public static class CycloneDxSchemas
{
    private const string PackageFolder = "node_modules/@cyclonedx/cyclonedx-library/res/schema";
    private static readonly Lazy<(EvaluationOptions Options, Dictionary<string, JsonSchema> Boms)> Loaded = new(Load);

    /// <summary>Validates <paramref name="bom"/> against the official schema of <paramref name="specVersion"/>; the errors, empty when valid.</summary>
    public static IReadOnlyList<string> Validate(JsonNode bom, string specVersion)
    {
        (EvaluationOptions options, Dictionary<string, JsonSchema> boms) = Loaded.Value;
        EvaluationResults results = boms[specVersion].Evaluate(bom, options);
        if (results.IsValid)
        {
            return [];
        }

        return [.. (results.Details ?? []).Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).Take(50)];
    }

    private static (EvaluationOptions, Dictionary<string, JsonSchema>) Load()
    {
        string folder = FindSchemaFolder();
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        // The package's files are named *.SNAPSHOT.schema.json and refer to each other by those names, relative to
        // their $id (http://cyclonedx.org/schema/...): register each referenced schema under the name it is referred by.
        foreach (string referenced in new[] { "spdx", "jsf-0.82", "cryptography-defs" })
        {
            JsonSchema schema = JsonSchema.FromFile(Path.Combine(folder, $"{referenced}.SNAPSHOT.schema.json"));
            options.SchemaRegistry.Register(new Uri($"http://cyclonedx.org/schema/{referenced}.SNAPSHOT.schema.json"), schema);
        }

        var boms = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (string version in new[] { "1.6", "1.7" })
        {
            boms[version] = JsonSchema.FromFile(Path.Combine(folder, $"bom-{version}.SNAPSHOT.schema.json"));
        }

        return (options, boms);
    }

    private static string FindSchemaFolder()
    {
        // scripts/test.sh names the repository root; a test run from an IDE finds it above the test binaries.
        if (Environment.GetEnvironmentVariable("SD_TEST_REPO_ROOT") is { Length: > 0 } root && Directory.Exists(Path.Combine(root, PackageFolder)))
        {
            return Path.Combine(root, PackageFolder);
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, PackageFolder);
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"The CycloneDX schemas ({PackageFolder}) are not installed: run `npm ci` at the repository root (scripts/test.sh does).");
    }
}
