using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Functions.Invocations;

/// <summary>A non-HTTP function: the host's invocation in Functions mode, the in-process scheduler or dispatcher standalone.</summary>
public interface IFunctionHandler
{
    /// <summary>The function's folder name under functions/, and the path the host posts to.</summary>
    string Name { get; }

    /// <summary>Runs the invocation; an exception fails it (non-2xx to the host, so Event Grid retries).</summary>
    Task<JsonNode?> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken);
}
