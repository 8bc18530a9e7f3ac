using System.Diagnostics;
using System.Text;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// The real built executable (functions/ServerlessDiscovery.Functions' ServerlessDiscovery.dll) started as its own
/// process in standalone mode, as scripts/run.sh starts it, so a test can crash it (SIGKILL) or stop it (SIGTERM).
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the app printed, for failure messages.</summary>
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

    /// <summary>Starts the app with these settings (environment variable names, Section__Name) and waits for /healthz.</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        string dll = Path.Combine(RepoRoot.Path, "functions", "ServerlessDiscovery.Functions", "bin", configuration, "net10.0", "ServerlessDiscovery.dll");
        int port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.Environment["URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["DISCOVERY_TICK"] = "0 0 0 1 1 *";
        foreach ((string name, string value) in settings)
        {
            start.Environment[name] = value;
        }

        var app = new AppProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (app._process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {app._process.ExitCode} at start:\n{app.Output}");
            }

            try
            {
                using HttpResponseMessage health = await client.GetAsync("healthz", deadline.Token);
                if (health.IsSuccessStatusCode)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One probe outlived its 5 s on a loaded machine: the app is still starting; the deadline bounds the wait.
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>A crash: SIGKILL, no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        Signals.Kill(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A graceful stop (SIGTERM, as a recycle or scale-in sends); returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        Signals.Terminate(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
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
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
