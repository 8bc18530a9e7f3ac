using Microsoft.AspNetCore.Diagnostics;
using ServerlessDiscovery.Domain.Availability;

namespace ServerlessDiscovery.Http.Hosting;

/// <summary>
/// An unhandled exception that means Table Storage is unreachable, timing out or throttling (not a bug, not bad input;
/// the storage layer tells, <see cref="IStorageAvailability"/>) answers 503 with Retry-After and a problem, so clients retry instead of treating it as a server fault. Anything
/// else falls through to the default handler (500).
/// </summary>
internal sealed partial class StorageOutageHandler(IStorageAvailability storage, IProblemDetailsService problems, ILogger<StorageOutageHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.RequestAborted.IsCancellationRequested || !storage.IsOutage(exception, httpContext.RequestAborted))
        {
            return false;
        }

        LogStorageUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage unavailable",
                Detail = $"Table Storage cannot be reached right now; retry after {RetryAfterSeconds} seconds.",
            },
        });
    }

    [LoggerMessage(EventId = 1901, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: Table Storage is unavailable ({ErrorType})")]
    private static partial void LogStorageUnavailable(ILogger logger, string method, string path, string errorType);
}
