using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// An Azurite table service of a test's own (the pinned one in node_modules, as scripts/test.sh starts it), with its
/// data on disk in a temporary folder, so the test can stop it (a storage outage) and start it again on the same port
/// with the same data.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _location = Directory.CreateTempSubdirectory("sd-azurite-").FullName;
    private Process? _process;

    private AzuriteProcess(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = new AzuriteProcess(FreePort.Next());
        await azurite.RestartAsync();
        return azurite;
    }

    /// <summary>Starts the service (again) on the same port and folder and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        string executable = Path.Combine(RepoRoot.Path, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: run scripts/test.sh (it runs npm ci).");
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])["--location", _location, "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent", "--disableTelemetry"])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(60));
    }

    /// <summary>Stops the service gracefully (SIGINT: Azurite saves its data on it, not on SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        Signals.Interrupt(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(_location, recursive: true);
    }
}

/// <summary>Loopback ports chosen free at run time.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits (bounded) until something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan limit)
    {
        using var deadline = new CancellationTokenSource(limit);
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }
}

/// <summary>POSIX signals to a child process: SIGINT and SIGTERM (graceful stops) and SIGKILL (a crash).</summary>
public static class Signals
{
    public static void Interrupt(Process process) => Send(process, 2);

    public static void Terminate(Process process) => Send(process, 15);

    public static void Kill(Process process) => Send(process, 9);

    private static void Send(Process process, int signal)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (NativeMethods.kill(process.Id, signal) != 0 && !process.HasExited)
        {
            throw new InvalidOperationException($"Sending signal {signal} to process {process.Id} failed.");
        }
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable CA5392, SYSLIB1054, CA1401, IDE1006
        internal static extern int kill(int pid, int sig);
#pragma warning restore CA5392, SYSLIB1054, CA1401, IDE1006
    }
}
