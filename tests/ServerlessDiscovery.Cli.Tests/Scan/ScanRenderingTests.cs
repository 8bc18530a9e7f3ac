using System.Diagnostics;
using Spectre.Console.Testing;

namespace ServerlessDiscovery.Cli.Tests.Scan;

/// <summary>What people see from `sd scan`: live progress per source and scope on stderr, then the tables on stdout.</summary>
public sealed class ScanRenderingTests
{
    [Fact]
    public async Task Scan_InteractiveTerminal_ShowsLiveProgressPerScopeThenSummaryAssetAndChangeTables()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        TestConsole stdout = new TestConsole().Width(250).Interactive().EmitAnsiSequences();
        TestConsole stderr = new TestConsole().Width(250).Interactive().EmitAnsiSequences();

        SdResult first = await SdRunner.RunAsync(ScanSandbox.Environment, stdout, stderr, CancellationToken.None, "scan", "--sources", sandbox.SourcesFile, "--state", sandbox.StateFile);

        Assert.Equal(0, first.ExitCode);
        string progress = Plain(first.Stderr);
        Assert.Contains("\u001b[?25l", first.Stderr, StringComparison.Ordinal); // the live display hides the cursor while it redraws
        Assert.Contains($"✓ proxy litellm:{sandbox.Proxy.Host}:keys completed", progress, StringComparison.Ordinal);
        Assert.Contains("✓ workspace", progress, StringComparison.Ordinal);
        Assert.Contains("proxy: succeeded", progress, StringComparison.Ordinal);
        Assert.Contains("tools: succeeded", progress, StringComparison.Ordinal);
        string tables = Plain(first.Stdout);
        Assert.Contains("Summary", tables, StringComparison.Ordinal);
        Assert.Matches(@"│ proxy\s+│ litellm\s+│ succeeded\s+│ \d+", tables);
        Assert.Contains("Assets", tables, StringComparison.Ordinal);
        Assert.Contains($"{sandbox.Proxy.Host}/model/d4", tables, StringComparison.Ordinal);
        ScanSandbox.AssertNoSecret(first.All);

        sandbox.Deployments.Remove("d4");
        SdResult second = await SdRunner.RunAsync(
            ScanSandbox.Environment, new TestConsole().Width(250), new TestConsole().Width(250), CancellationToken.None, "scan", "--sources", sandbox.SourcesFile, "--state", sandbox.StateFile);

        string changes = second.Stdout[second.Stdout.IndexOf("Changes since the last run", StringComparison.Ordinal)..];
        Assert.Matches($@"│ proxy\s+│ deleted\s+│ deployment\s+│ {System.Text.RegularExpressions.Regex.Escape(sandbox.Proxy.Host)}/model/d4\s+│ Not found in fully observed scope", changes);
        Assert.Single(changes.Split('\n'), l => l.Contains("│ deleted", StringComparison.Ordinal) || l.Contains("│ updated", StringComparison.Ordinal) || l.Contains("│ created", StringComparison.Ordinal));
    }

    /// <summary>Once under a real pseudo-terminal (util-linux `script`): the built tool, as a person would run it.</summary>
    [Fact]
    public async Task Scan_UnderARealPseudoTerminal_DrawsProgressAndTablesAndExitsZero()
    {
        Assert.True(File.Exists("/usr/bin/script"), "util-linux `script` is needed for this test (apt-get install -y bsdutils).");
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        string sd = SdRunner.BuiltFile("SdDll");
        var start = new ProcessStartInfo("/usr/bin/script")
        {
            ArgumentList = { "--quiet", "--return", "--command", $"dotnet '{sd}' scan --sources '{sandbox.SourcesFile}'", "/dev/null" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = sandbox.Folder,
        };
        foreach ((string name, string value) in ScanSandbox.Environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["MCP_STDIO_ENABLED"] = "true";
        start.Environment["COLUMNS"] = "200";
        start.Environment["TERM"] = "xterm-256color";
        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        string text = await output + await error;

        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("\u001b[", text, StringComparison.Ordinal);
        string plain = Plain(text);
        Assert.Contains("✓ proxy", plain, StringComparison.Ordinal);
        Assert.Contains("Summary", plain, StringComparison.Ordinal);
        Assert.Contains("3 source(s) scanned, every scope observed.", plain, StringComparison.Ordinal);
        ScanSandbox.AssertNoSecret(text);
    }

    /// <summary>The text without ANSI escape sequences or carriage returns.</summary>
    private static string Plain(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\u001b\[[0-9;?]*[A-Za-z]|\u001b[=>]", string.Empty).Replace("\r", string.Empty, StringComparison.Ordinal);
}
