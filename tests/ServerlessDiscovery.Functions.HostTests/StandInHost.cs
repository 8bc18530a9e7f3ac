using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Functions.HostTests.Rpc;

namespace ServerlessDiscovery.Functions.HostTests;

/// <summary>
/// The Functions host's side of FunctionRpc, as much of it as a test needs: a gRPC server (HTTP/2 without TLS) on a free
/// loopback port whose EventStream the worker connects to. Messages from the worker are kept until a test takes them.
/// </summary>
internal sealed class StandInHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandInHost(WebApplication app, WorkerStream stream, Uri address)
    {
        _app = app;
        Worker = stream;
        Address = address;
    }

    /// <summary>The worker's end of the conversation.</summary>
    public WorkerStream Worker { get; }

    /// <summary>What the worker is given as --functions-uri.</summary>
    public Uri Address { get; }

    public static async Task<StandInHost> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = null);
        var stream = new WorkerStream();
        builder.Services.AddSingleton(stream);
        WebApplication app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StandInHost(app, stream, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class FunctionRpcService(WorkerStream stream) : FunctionRpc.FunctionRpcBase
    {
        public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
            stream.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}

/// <summary>One worker's EventStream: send to it, and wait (bounded) for a message from it that matches.</summary>
internal sealed class WorkerStream
{
    private readonly Lock _gate = new();
    private readonly List<StreamingMessage> _unclaimed = [];
    private readonly List<RpcLog> _logs = [];
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource<IServerStreamWriter<StreamingMessage>> _writer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    /// <summary>What the worker logged through the stream (RpcLog), for failure messages.</summary>
    public string Logs
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _logs.Select(l => $"[{l.Level}] {l.Category}: {l.Message}{(l.Exception is { } e ? " " + e.Message : string.Empty)}"));
            }
        }
    }

    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> reader, IServerStreamWriter<StreamingMessage> writer, CancellationToken cancellationToken)
    {
        _writer.TrySetResult(writer);
        try
        {
            await foreach (StreamingMessage message in reader.ReadAllAsync(cancellationToken))
            {
                Changed(() =>
                {
                    if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
                    {
                        _logs.Add(message.RpcLog);
                    }
                    else
                    {
                        _unclaimed.Add(message);
                    }
                });
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or Grpc.Core.RpcException)
        {
            // The worker went away (terminate, crash); waiters see the stream closed.
        }
        finally
        {
            Changed(() => _closed = true);
        }
    }

    public async Task SendAsync(StreamingMessage message, TimeSpan timeout)
    {
        IServerStreamWriter<StreamingMessage> writer = await _writer.Task.WaitAsync(timeout);
        await _writeLock.WaitAsync();
        try
        {
            await writer.WriteAsync(message);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Takes the first message from the worker that matches, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<StreamingMessage> WaitForAsync(Func<StreamingMessage, bool> match, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                int index = _unclaimed.FindIndex(m => match(m));
                if (index >= 0)
                {
                    StreamingMessage found = _unclaimed[index];
                    _unclaimed.RemoveAt(index);
                    return found;
                }

                if (_closed)
                {
                    throw new InvalidOperationException($"The worker closed its stream before sending {what}.\n{Logs}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The worker sent no {what} within {timeout.TotalSeconds:0} s.\n{Logs}");
            }
        }
    }

    private void Changed(Action update)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            update();
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }
}
