using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ServerlessDiscovery.Functions.HostTests;

/// <summary>
/// The real worker (the built ServerlessDiscovery.dll), started the way the Functions host starts a dotnet-isolated
/// worker: `dotnet ServerlessDiscovery.dll` with the host's arguments and FUNCTIONS_WORKER_DIRECTORY /
/// FUNCTIONS_APPLICATION_DIRECTORY naming the app directory (host.json, functions.metadata, worker.config.json).
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int GrpcMaxMessageLength = int.MaxValue;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process, string workerId)
    {
        _process = process;
        WorkerId = workerId;
    }

    public string WorkerId { get; }

    public Process Process => _process;

    /// <summary>The worker's console output (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static WorkerProcess Start(Uri hostAddress, IReadOnlyDictionary<string, string> settings)
    {
        string appDirectory = AppDirectory();
        string workerId = Guid.NewGuid().ToString();
        string requestId = Guid.NewGuid().ToString();
        string port = hostAddress.Port.ToString(CultureInfo.InvariantCulture);
        string maxLength = GrpcMaxMessageLength.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(appDirectory, "ServerlessDiscovery.dll"));
        foreach (string argument in (string[])[
            "--host", hostAddress.Host, "--port", port, "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", maxLength,
            "--functions-uri", hostAddress.ToString(), "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", maxLength])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        foreach ((string name, string value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var worker = new WorkerProcess(process, workerId);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>The executable's own build output, where the Worker SDK put host.json and functions.metadata.</summary>
    public static string AppDirectory()
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ServerlessDiscovery.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        string path = Path.Combine(dir.FullName, "functions", "ServerlessDiscovery.Functions", "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(path, "functions.metadata")), $"{path} holds no functions.metadata; build functions/ServerlessDiscovery.Functions first.");
        return path;
    }

    /// <summary>Waits (bounded) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
