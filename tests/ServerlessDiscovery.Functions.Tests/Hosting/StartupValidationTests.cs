using System.Diagnostics;

namespace ServerlessDiscovery.Functions.Tests.Hosting;

/// <summary>The real executable, started with one bad setting at a time: it must stop with a message naming it.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Storage__ConnectionString", "AccountName=x", "Storage__ConnectionString")]
    [InlineData("Storage__TablePrefix", "1bad", "Storage__TablePrefix")]
    [InlineData("DISCOVERY_TICK", "every minute", "DISCOVERY_TICK")]
    [InlineData("Secrets__EncryptionKey", "", "Secrets__EncryptionKey")]
    [InlineData("Secrets__EncryptionKey", "c2hvcnQ=", "Secrets__EncryptionKey")]
    [InlineData("Discovery__LeaseDuration", "00:01:00", "Discovery__LeaseDuration")]
    [InlineData("Discovery__MaxConcurrentScans", "0", "Discovery__MaxConcurrentScans")]
    [InlineData("Api__Keys", "short", "Api__Keys")]
    [InlineData("URLS", "http://0.0.0.0:0", "Api__Keys")]
    [InlineData("EventGrid__TopicEndpoint", "not a url", "EventGrid__TopicEndpoint")]
    [InlineData("Plugins__x1__Type", "no.such.type", "Plugins__x1__Type")]
    [InlineData("DELIVERIES_QUEUE", "Bad_Queue", "DELIVERIES_QUEUE")]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage")]
    [InlineData("Webhooks__Concurrency", "0", "Webhooks__Concurrency")]
    [InlineData("Otlp__AttributionMaxSpans", "10", "Otlp__AttributionMaxSpans")]
    [InlineData("Otlp__AttributionMaxTraces", "99999999", "Otlp__AttributionMaxTraces")]
    public async Task Start_BadSetting_ExitsNamingTheSetting(string name, string value, string expected)
    {
        (int exitCode, string stderr) = await RunAsync(new Dictionary<string, string> { [name] = value });

        Assert.Equal(2, exitCode);
        Assert.Contains("cannot start", stderr, StringComparison.Ordinal);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadPluginConfig_NamesTheField()
    {
        (int exitCode, string stderr) = await RunAsync(new Dictionary<string, string>
        {
            ["Plugins__sm1__Type"] = "aws.sagemaker",
            ["Plugins__sm1__Config__requests_per_second"] = "fast",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Plugins__sm1__Config__regions", stderr, StringComparison.Ordinal);
        Assert.Contains("Plugins__sm1__Config__requests_per_second", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NonBooleanTracedSetting_NamesTheSetting()
    {
        (int exitCode, string stderr) = await RunAsync(new Dictionary<string, string>
        {
            ["Plugins__sm1__Type"] = "aws.sagemaker",
            ["Plugins__sm1__Config__regions"] = "us-east-1",
            ["Plugins__sm1__Traced"] = "yes",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Plugins__sm1__Traced must be true or false", stderr, StringComparison.Ordinal);
    }

    /// <summary>The executable as its own project builds it (its deps.json lists exactly the app's assemblies).</summary>
    private static string ExecutablePath()
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ServerlessDiscovery.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        string path = Path.Combine(dir.FullName, "functions", "ServerlessDiscovery.Functions", "bin", configuration, "net10.0", "ServerlessDiscovery.dll");
        Assert.True(File.Exists(path), $"{path} is missing; build the solution first.");
        return path;
    }

    private static async Task<(int ExitCode, string Stderr)> RunAsync(Dictionary<string, string> settings)
    {
        string dll = ExecutablePath();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(dll);
        start.Environment["Storage__ConnectionString"] = "UseDevelopmentStorage=true";
        start.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        start.Environment["Secrets__EncryptionKey"] = Convert.ToBase64String(new byte[32]);
        start.Environment["URLS"] = "http://127.0.0.1:0";
        foreach ((string name, string value) in settings)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"The app kept running with {string.Join(", ", settings.Keys)}; it should have refused to start.\n{await stdout}");
        }

        return (process.ExitCode, await stderr);
    }
}
