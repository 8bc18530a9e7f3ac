using System.Reflection;
using Spectre.Console.Testing;

namespace ServerlessDiscovery.Cli.Tests;

/// <summary>What one `sd` run printed and returned.</summary>
public sealed record SdResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;
}

/// <summary>Runs `sd` in this process with Spectre test consoles for stdout and stderr and an environment of the test's own.</summary>
public static class SdRunner
{
    public static async Task<SdResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        await RunAsync(environment, new TestConsole().Width(400), new TestConsole().Width(400), CancellationToken.None, args);

    public static async Task<SdResult> RunAsync(
        IReadOnlyDictionary<string, string>? environment, TestConsole stdout, TestConsole stderr, CancellationToken cancellationToken, params string[] args)
    {
        var terminal = new SdTerminal(stdout, stderr, environment ?? new Dictionary<string, string>(), _ => null);
        int exit = await SdApp.RunAsync(args, terminal, cancellationToken);
        return new SdResult(exit, stdout.Output, stderr.Output);
    }

    /// <summary>A file path the build wrote into this assembly's metadata, checked to exist.</summary>
    public static string BuiltFile(string key)
    {
        string path = Path.GetFullPath(typeof(SdRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);
        Assert.True(File.Exists(path), $"{key} was not built at {path}.");
        return path;
    }
}
