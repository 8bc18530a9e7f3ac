using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessDiscovery.Infra.Tests.Bicep;
using Xunit.Abstractions;

namespace ServerlessDiscovery.Infra.Tests;

/// <summary>
/// The deployment package: what azure.yaml tells azd to publish, what scripts/package.sh builds, and the zip itself
/// against the templates (the queue the Deliver function listens on is the queue Bicep creates).
/// </summary>
public sealed partial class PackageTests(ITestOutputHelper output)
{
    private const string FunctionsProject = "functions/ServerlessDiscovery.Functions";

    private static readonly string[] Functions = ["Api", "Deliver", "DiscoveryTick", "Health", "Otlp", "Ui"];

    [Fact]
    public void AzureYaml_DeploysTheFunctionsProjectAsDotnet_WithOnlyThePostProvisionHook()
    {
        string yaml = File.ReadAllText(RepoPaths.InRoot("azure.yaml"));
        Assert.Contains("path: infra/bicep", yaml, StringComparison.Ordinal);
        Assert.Equal($"project: {FunctionsProject}", Assert.Single(YamlLine().Matches(yaml), m => m.Groups["key"].Value == "project").Value.Trim());
        Assert.Equal("language: dotnet", Assert.Single(YamlLine().Matches(yaml), m => m.Groups["key"].Value == "language").Value.Trim());
        Assert.Equal("host: function", Assert.Single(YamlLine().Matches(yaml), m => m.Groups["key"].Value == "host").Value.Trim());
        Assert.True(File.Exists(RepoPaths.InRoot(FunctionsProject, "ServerlessDiscovery.Functions.csproj")), $"azure.yaml deploys {FunctionsProject}, which has no project file.");

        // azd publishes the project itself (framework-dependent Release): no prebuilt zip, no packaging hook, and
        // nothing after deploy (the Event Grid subscription is provisioned by Bicep).
        foreach (string key in new[] { "dist", "prepackage", "postdeploy", "predeploy" })
        {
            Assert.DoesNotContain(YamlLine().Matches(yaml), m => m.Groups["key"].Value == key);
        }

        string[] scripts = [.. Regex.Matches(yaml, @"run: bash (\S+)").Select(m => m.Groups[1].Value)];
        Assert.Equal(["infra/scripts/ensure-secrets.sh"], scripts);
        Assert.True(File.Exists(RepoPaths.InRoot(scripts[0])), $"azure.yaml runs {scripts[0]}, which does not exist.");
    }

    [Fact]
    public void PackageScript_PublishesTheFunctionsProjectFrameworkDependent_AndZipsThePublishFolderRoot()
    {
        string script = File.ReadAllText(RepoPaths.InRoot("scripts", "package.sh"));
        Assert.Contains($"project={FunctionsProject}\n", script, StringComparison.Ordinal);
        Match publish = Assert.Single(Regex.Matches(script, @"^dotnet publish .*$", RegexOptions.Multiline));
        Assert.StartsWith("dotnet publish \"$project\" -c Release ", publish.Value, StringComparison.Ordinal);

        // Framework-dependent and portable, as azd publishes it: no runtime identifier, no self-contained runtime,
        // no ReadyToRun for one RID, no executable bit to keep.
        foreach (string flag in new[] { " -r ", "--runtime", "--self-contained", "SelfContained", "PublishReadyToRun", "UseAppHost" })
        {
            Assert.DoesNotContain(flag, publish.Value, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("chmod", script, StringComparison.Ordinal);

        Assert.Contains("(cd \"$stage\" && zip -q -r -X \"$out\" .)", script, StringComparison.Ordinal);
        foreach (string required in new[] { "host.json", "functions.metadata", "worker.config.json", ".azurefunctions" })
        {
            Assert.Contains(required, script, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Runs scripts/package.sh for real and reads the zip the way the Functions host reads wwwroot. The publish reuses the
    /// Release build the test run already made (same configuration, no runtime identifier), so it costs a copy and a
    /// zip, not a second build.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task PackageScript_Zip_HasTheIsolatedWorkerLayoutAtItsRoot_AndListensOnTheProvisionedQueue()
    {
        string work = Directory.CreateTempSubdirectory("sd-package-").FullName;
        try
        {
            string zipPath = Path.Combine(work, "serverlessdiscovery.zip");
            Stopwatch publish = Stopwatch.StartNew();
            (int exit, string log) = await RunAsync("bash", [RepoPaths.InRoot("scripts", "package.sh")], new() { ["SD_PACKAGE_OUT"] = zipPath }, TimeSpan.FromMinutes(9));
            Assert.True(exit == 0, $"scripts/package.sh failed ({exit}):\n{log}");
            output.WriteLine($"package.sh: {publish.Elapsed.TotalSeconds:0.0} s, zip {new FileInfo(zipPath).Length / 1024.0 / 1024.0:0.0} MiB");

            using ZipArchive zip = ZipFile.OpenRead(zipPath);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            foreach (string required in new[] { "host.json", "functions.metadata", "worker.config.json", "ServerlessDiscovery.dll" })
            {
                Assert.True(names.Contains(required), $"The zip has no {required} at its root.");
            }

            Assert.Contains(names, n => n.StartsWith(".azurefunctions/", StringComparison.Ordinal));
            // The dashboard the Ui function serves, with cytoscape from node_modules and its licence.
            foreach (string file in new[] { "index.html", "app.js", "api.js", "views/registry.js", "vendor/cytoscape.esm.min.js", "vendor/cytoscape.LICENSE.txt" })
            {
                Assert.True(names.Contains("wwwroot/ui/" + file), $"The zip has no wwwroot/ui/{file}.");
            }

            Assert.DoesNotContain(names, n => n.EndsWith("function.json", StringComparison.Ordinal) || n.StartsWith("app/", StringComparison.Ordinal));
            // Framework-dependent: the host's .NET runs it, so no runtime of its own is packed.
            Assert.DoesNotContain(names, n => n.EndsWith("libcoreclr.so", StringComparison.Ordinal) || n.EndsWith("System.Private.CoreLib.dll", StringComparison.Ordinal));

            JsonObject host = await ReadJsonAsync(zip, "host.json");
            Assert.False(host.ContainsKey("customHandler"), "host.json still configures a custom handler.");
            JsonObject worker = await ReadJsonAsync(zip, "worker.config.json");
            string workerPath = (string)worker["description"]!["defaultWorkerPath"]!;
            Assert.Contains(workerPath, names);

            JsonArray metadata = JsonNode.Parse(await ReadAsync(zip, "functions.metadata"))!.AsArray();
            var functions = metadata.ToDictionary(f => (string)f!["name"]!, f => f!["bindings"]!.AsArray(), StringComparer.Ordinal);
            Assert.Equal(Functions, functions.Keys.Order(StringComparer.Ordinal));
            AssertDeliverListensOnTheProvisionedQueue(functions["Deliver"]);
            AssertTickScheduleIsAnAppSetting(functions["DiscoveryTick"]);
            foreach (string http in new[] { "Api", "Otlp", "Health", "Ui" })
            {
                // The app's own API key decides: no function key in front of it.
                JsonNode trigger = Assert.Single(functions[http], b => (string)b!["type"]! == "httpTrigger")!;
                Assert.Equal("anonymous", ((string)trigger["authLevel"]!).ToLowerInvariant());
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void AssertDeliverListensOnTheProvisionedQueue(JsonArray bindings)
    {
        JsonNode trigger = Assert.Single(bindings, b => (string)b!["type"]! == "queueTrigger")!;
        Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"] ?? "AzureWebJobsStorage");
        string queue = (string)trigger["queueName"]!;
        string provisioned = Assert.IsType<StringExpr>(Templates.Main.Variable("deliveriesQueueName").Value).Value!;
        Match setting = Regex.Match(queue, "^%(?<name>[A-Za-z0-9_]+)%$");
        if (setting.Success)
        {
            // A binding expression: main.bicep must set that setting to the queue it creates.
            ObjectExpr appSettings = Assert.IsType<ObjectExpr>(Templates.Main.Variable("appSettings").Value);
            BicepExpr? value = appSettings[setting.Groups["name"].Value];
            Assert.True(value is not null, $"Deliver listens on %{setting.Groups["name"].Value}%, which main.bicep's appSettings do not set.");
            Assert.Equal(new IdentExpr("deliveriesQueueName"), value);
        }
        else
        {
            Assert.Equal(provisioned, queue);
        }
    }

    private static void AssertTickScheduleIsAnAppSetting(JsonArray bindings)
    {
        JsonNode trigger = Assert.Single(bindings, b => (string)b!["type"]! == "timerTrigger")!;
        Assert.Equal("%DISCOVERY_TICK%", (string)trigger["schedule"]!);
        Assert.NotNull(Assert.IsType<ObjectExpr>(Templates.Main.Variable("appSettings").Value)["DISCOVERY_TICK"]);
    }

    private static async Task<string> ReadAsync(ZipArchive zip, string name)
    {
        ZipArchiveEntry entry = zip.GetEntry(name) ?? throw new Xunit.Sdk.XunitException($"The zip has no {name}.");
        using var reader = new StreamReader(entry.Open());
        return await reader.ReadToEndAsync();
    }

    private static async Task<JsonObject> ReadJsonAsync(ZipArchive zip, string name) =>
        JsonNode.Parse(await ReadAsync(zip, name), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A "key: value" line of azure.yaml, at any indentation.</summary>
    [GeneratedRegex(@"^\s*(?<key>[A-Za-z]+):.*$", RegexOptions.Multiline)]
    private static partial Regex YamlLine();
}
