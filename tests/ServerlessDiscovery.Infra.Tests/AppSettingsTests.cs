using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using ServerlessDiscovery.Infra.Tests.Bicep;

namespace ServerlessDiscovery.Infra.Tests;

/// <summary>
/// The settings the code reads (local.settings.sample.json plus every options class) against what main.bicep sets
/// and what README.md documents.
/// </summary>
public sealed partial class AppSettingsTests
{
    /// <summary>
    /// Settings announced for code being written in parallel (issue 7: event publishing, secret encryption, webhooks),
    /// which main.bicep assigns already. Once their options classes are merged the reflection below finds them too
    /// and an entry here becomes redundant; a renamed setting still fails the equality check.
    /// </summary>
    private static readonly string[] AnnouncedSettings =
        ["EventGrid__TopicEndpoint", "EventGrid__ClientId", "EventGrid__TopicKey", "Secrets__EncryptionKey", "Egress__AllowedNetworks"];

    /// <summary>Read by the Functions host, not by our code; set by modules/functionapp.bicep.</summary>
    private static readonly string[] HostSettings =
    [
        "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
        "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
    ];

    [Fact]
    public void MainBicep_AppSettings_AreExactlyTheSettingsTheCodeReadsInAzure()
    {
        var documented = DocumentedSettings();
        var expected = new SortedSet<string>(CodeSettings().Concat(AnnouncedSettings).Where(s => !documented.TryGetValue(s, out bool localOnly) || !localOnly), StringComparer.Ordinal);
        var actual = new SortedSet<string>(Keys(Templates.Main, Templates.Main.Variable("appSettings").Value), StringComparer.Ordinal);
        Assert.True(expected.SetEquals(actual),
            $"main.bicep's appSettings differ from the settings the code reads (minus those README.md marks local only).\n" +
            $"Missing from main.bicep: {string.Join(", ", expected.Except(actual))}\nNot read by the code: {string.Join(", ", actual.Except(expected))}");
    }

    [Fact]
    public void DeployDoc_SettingsTable_DocumentsEverySettingTheCodeReads()
    {
        var documented = DocumentedSettings();
        string[] code = [.. CodeSettings().Concat(AnnouncedSettings)];
        string[] undocumented = [.. code.Where(s => !documented.ContainsKey(s))];
        string[] unknown = [.. documented.Keys.Where(s => !code.Contains(s))];
        Assert.True(undocumented.Length == 0, $"README.md's Settings table lacks: {string.Join(", ", undocumented)}");
        Assert.True(unknown.Length == 0, $"README.md's Settings table lists settings the code does not read: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void CodeSettings_IncludeOptionsClasses()
    {
        // Reflection must find the options classes that exist today, or the equality above proves nothing.
        Assert.Superset(new HashSet<string> { "Storage__TableServiceUri", "Storage__ClientId", "Storage__TablePrefix", "Storage__ConnectionString", "Api__Keys", "DISCOVERY_TICK" },
            new HashSet<string>(CodeSettings()));
    }

    [Fact]
    public void MainBicep_SecretsAreKeyVaultReferences()
    {
        ObjectExpr settings = Assert.IsType<ObjectExpr>(Templates.Main.Variable("appSettings").Value);
        foreach (string name in new[] { "Api__Keys", "Secrets__EncryptionKey" })
        {
            StringExpr value = Assert.IsType<StringExpr>(settings[name]);
            Assert.StartsWith("@Microsoft.KeyVault(SecretUri=", value.Template, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FunctionApp_HostStorageUsesIdentity_AndFlexOmitsWorkerRuntimeSettings()
    {
        BicepFile module = Templates.Module("modules/functionapp.bicep");
        ResolvedResource config = Assert.Single(module.AllResources(), r => r.FullType.Equals("Microsoft.Web/sites/config", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("appsettings", Assert.IsType<StringExpr>(config.Declaration.Object!["name"]).Value);
        var keys = GuardedKeys(module, config.Declaration.Object!["properties"]!, "").ToList();

        // main.bicep's settings arrive through the appSettings param, merged in.
        Assert.Contains(keys, k => k.Key == "<param appSettings>" && k.Guard == "");
        Assert.Equal("managedidentity", Assert.IsType<StringExpr>(((ObjectExpr)module.Variable("hostSettings").Value)["AzureWebJobsStorage__credential"]).Value);
        foreach (string name in new[] { "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId" })
        {
            Assert.Contains((name, ""), keys);
        }

        Assert.DoesNotContain(keys, k => k.Key == "AzureWebJobsStorage");
        foreach (string name in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION" })
        {
            // Only in the false branch of isFlexConsumption ? ... : ... (Flex rejects both).
            Assert.Equal(["!isFlexConsumption"], keys.Where(k => k.Key == name).Select(k => k.Guard));
        }

        Assert.Equal("dotnet-isolated", Assert.IsType<StringExpr>(((ObjectExpr)module.Variable("elasticPremiumOnlySettings").Value)["FUNCTIONS_WORKER_RUNTIME"]).Value);

        string[] unexpected = [.. keys.Select(k => k.Key).Where(k => k != "<param appSettings>" && !HostSettings.Contains(k))];
        Assert.True(unexpected.Length == 0, $"functionapp.bicep sets app settings beyond the host's: {string.Join(", ", unexpected)}; the app's own belong in main.bicep's appSettings.");
    }

    [Fact]
    public void MainBicep_DeliveryQueueSetting_IsTheQueueBicepCreatesAndEventGridFeeds()
    {
        ObjectExpr settings = Assert.IsType<ObjectExpr>(Templates.Main.Variable("appSettings").Value);
        Assert.Equal(new IdentExpr("deliveriesQueueName"), settings["DELIVERIES_QUEUE"]);
        Assert.Equal(new IdentExpr("deliveriesQueueName"), Assert.Single(Templates.Main.Modules, m => m.Path == "modules/eventsubscription.bicep").Params!["queueName"]);
        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRoot("local.settings.sample.json")));
        Assert.Equal(
            Assert.IsType<StringExpr>(Templates.Main.Variable("deliveriesQueueName").Value).Value,
            sample.RootElement.GetProperty("Values").GetProperty("DELIVERIES_QUEUE").GetString());
    }

    [Fact]
    public void MainBicep_PassesAppSettingsToTheFunctionApp()
    {
        ModuleDecl functionApp = Assert.Single(Templates.Main.Modules, m => m.Path == "modules/functionapp.bicep");
        Assert.Equal(new IdentExpr("appSettings"), functionApp.Params!["appSettings"]);
    }

    /// <summary>local.settings.sample.json's keys, plus Section__Property of every public options class of the projects under functions/.</summary>
    internal static IReadOnlyList<string> CodeSettings()
    {
        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRoot("local.settings.sample.json")));
        var settings = new List<string>(sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name));
        foreach (Type type in ProductAssemblies.Types().Where(t => t.IsPublic))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } section && section.GetRawConstantValue() is string name)
            {
                settings.AddRange(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.SetMethod is { IsPublic: true })
                    .Select(p => $"{name}__{p.Name}"));
            }

            // A single flat setting (DISCOVERY_TICK) is named by a SettingName constant.
            if (type.GetField("SettingName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } single && single.GetRawConstantValue() is string flat)
            {
                settings.Add(flat);
            }
        }

        return [.. settings.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>README.md "## Settings" table: setting name to whether its row says "local only".</summary>
    internal static Dictionary<string, bool> DocumentedSettings()
    {
        string doc = File.ReadAllText(RepoPaths.InRoot("README.md"));
        int start = doc.IndexOf("\n## Settings", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Settings' section.");
        int end = doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = end < 0 ? doc[start..] : doc[start..end];
        var rows = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (Match row in SettingRow().Matches(section))
        {
            rows[row.Groups["name"].Value] = row.Value.Contains("local only", StringComparison.OrdinalIgnoreCase);
        }

        Assert.True(rows.Count > 0, "README.md's Settings section has no table rows of the form | `Name` | ... |.");
        return rows;
    }

    [GeneratedRegex(@"^\| `(?<name>[A-Za-z0-9_]+)` \|.*$", RegexOptions.Multiline)]
    private static partial Regex SettingRow();

    /// <summary>The keys an app-settings expression sets: object literals, through variables, union() and ternaries.</summary>
    private static IEnumerable<string> Keys(BicepFile file, BicepExpr expr) => GuardedKeys(file, expr, "").Select(k => k.Key);

    /// <summary>Keys with the ternary branch they sit under ("isFlexConsumption" / "!isFlexConsumption", "" when always).</summary>
    private static IEnumerable<(string Key, string Guard)> GuardedKeys(BicepFile file, BicepExpr expr, string guard)
    {
        switch (expr)
        {
            case ObjectExpr o:
                return o.Properties.Select(p => (p.Key ?? throw new FormatException("An app setting name is interpolated."), guard));
            case IdentExpr i when file.Variables.Any(v => v.Name == i.Name):
                return GuardedKeys(file, file.Variable(i.Name).Value, guard);
            case IdentExpr i when file.Params.Any(p => p.Name == i.Name):
                return [($"<param {i.Name}>", guard)];
            case CallExpr { FunctionName: "union" } c:
                return c.Args.SelectMany(a => GuardedKeys(file, a, guard));
            case TernaryExpr { Condition: IdentExpr condition } t:
                return GuardedKeys(file, t.WhenTrue, condition.Name).Concat(GuardedKeys(file, t.WhenFalse, "!" + condition.Name));
            default:
                throw new FormatException($"Cannot list the app settings of {expr.GetType().Name} in {Path.GetFileName(file.Path)}.");
        }
    }
}
