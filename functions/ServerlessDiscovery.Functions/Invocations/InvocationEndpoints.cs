using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Functions.Invocations;

/// <summary>
/// Maps POST /{FunctionName} for every non-HTTP function. Mapped only in Functions mode, where the port is the
/// loopback one the host calls; the host's public routes (api/*, v1/*, healthz, readyz) can never reach these.
/// </summary>
internal static partial class InvocationEndpoints
{
    public static void MapFunctionInvocations(this IEndpointRouteBuilder app)
    {
        foreach (IFunctionHandler handler in app.ServiceProvider.GetServices<IFunctionHandler>())
        {
            app.MapPost("/" + handler.Name, (HttpContext context, ILogger<IFunctionHandler> logger) => InvokeAsync(handler, context, logger))
                .ExcludeFromDescription();
        }
    }

    private static async Task InvokeAsync(IFunctionHandler handler, HttpContext context, ILogger logger)
    {
        FunctionInvocation invocation;
        try
        {
            using JsonDocument body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            invocation = FunctionInvocation.Parse(handler.Name, body.RootElement.Clone());
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            await WriteReplyAsync(context, StatusCodes.Status400BadRequest, ["Invalid invocation request: " + ex.Message], null);
            return;
        }

        try
        {
            JsonNode? result = await handler.InvokeAsync(invocation, context.RequestAborted);
            await WriteReplyAsync(context, StatusCodes.Status200OK, invocation.Logs, result);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The host gave up on this invocation; nobody is listening for a reply.
        }
        catch (Exception ex)
        {
            LogInvocationFailed(logger, handler.Name, ex);
            invocation.Log($"{handler.Name} failed: {ex.Message}");
            await WriteReplyAsync(context, StatusCodes.Status500InternalServerError, invocation.Logs, null);
        }
    }

    /// <summary>The host needs a JSON body on every reply; an empty 2xx can leave the invocation hanging.</summary>
    private static Task WriteReplyAsync(HttpContext context, int status, IReadOnlyList<string> logs, JsonNode? returnValue)
    {
        var reply = new JsonObject
        {
            ["Outputs"] = new JsonObject(),
            ["Logs"] = new JsonArray([.. logs.Select(l => (JsonNode?)JsonValue.Create(l))]),
            ["ReturnValue"] = returnValue,
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(reply.ToJsonString(), context.RequestAborted);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Function {FunctionName} failed")]
    private static partial void LogInvocationFailed(ILogger logger, string functionName, Exception exception);
}
