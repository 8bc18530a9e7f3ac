using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ServerlessDiscovery.Http.Health;

/// <summary>
/// GET /healthz (the process serves: no checks run) and GET /readyz (every check tagged <see cref="ReadyTag"/> answers
/// within <see cref="CheckTimeout"/>). Both anonymous; /readyz answers 503 with a problem naming what is down.
/// </summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The dependencies /readyz checks, run in parallel by the framework's health check service.</summary>
    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<TableStorageReadinessCheck>("tableStorage", tags: [ReadyTag])
            .AddCheck<EventSinkReadinessCheck>("eventSink", tags: [ReadyTag])
            .AddCheck<DeliveriesQueueReadinessCheck>("deliveriesQueue", tags: [ReadyTag]);

        // Every check is bounded, also one registered elsewhere without a timeout: a hung dependency is "not ready", not a hung probe.
        services.PostConfigure<HealthCheckServiceOptions>(o =>
        {
            foreach (HealthCheckRegistration registration in o.Registrations.Where(r => r.Timeout == Timeout.InfiniteTimeSpan || r.Timeout > CheckTimeout))
            {
                registration.Timeout = CheckTimeout;
            }
        });

        // Health-check endpoints are not route handlers, so ApiExplorer cannot see them; describe them by hand.
        services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer<HealthOpenApiTransformer>());
        return services;
    }

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        HttpMethodMetadata get = new([HttpMethods.Get, HttpMethods.Head]);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = (c, _) => TypedResults.Ok(new LivenessReply("healthy")).ExecuteAsync(c) })
            .WithMetadata(get)
            .AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag), ResponseWriter = (c, report) => Readiness(report).ExecuteAsync(c) })
            .WithMetadata(get)
            .AllowAnonymous();
    }

    internal static Results<Ok<ReadinessReply>, ProblemHttpResult> Readiness(HealthReport report)
    {
        var checks = report.Entries.ToDictionary(e => e.Key, e => Describe(e.Value), StringComparer.Ordinal);
        string[] down = [.. report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Key)];
        if (down.Length == 0)
        {
            return TypedResults.Ok(new ReadinessReply("ready", checks));
        }

        var problem = new ProblemDetails
        {
            Title = "Not ready",
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = $"Not ready: {string.Join("; ", down.Select(d => $"{d}: {checks[d]}"))}",
            Type = "https://serverlessdiscovery.dev/problems/not-ready",
        };
        problem.Extensions["checks"] = checks;
        return TypedResults.Problem(problem);
    }

    private static string Describe(HealthReportEntry entry) => entry switch
    {
        { Status: HealthStatus.Healthy } => "ready",
        { Exception: OperationCanceledException } => $"did not answer within {CheckTimeout.TotalSeconds:0} s",

        // An unexpected exception's message may carry a connection string; its type is enough to start looking.
        { Exception: { } ex } => $"failed: {ex.GetType().Name}",
        _ => entry.Description ?? "not ready",
    };
}

/// <summary>The body of GET /healthz.</summary>
internal sealed record LivenessReply(string Status);

/// <summary>The body of GET /readyz when every dependency answers: each check's name with "ready".</summary>
internal sealed record ReadinessReply(string Status, IReadOnlyDictionary<string, string> Checks);
