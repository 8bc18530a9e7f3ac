using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ServerlessDiscovery.Functions.Health;

/// <summary>GET /healthz (the process serves) and GET /readyz (its dependencies answer). Both anonymous.</summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthReport("healthy", null))).WithTags("Health");
        app.MapGet("/readyz", ReadyAsync).WithTags("Health");
    }

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> ReadyAsync(IEnumerable<IReadinessCheck> checks, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        IReadinessCheck[] all = [.. checks];
        string?[] results = await Task.WhenAll(all.Select(async c =>
        {
            try
            {
                return await c.CheckAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return $"did not answer within {CheckTimeout.TotalSeconds:0} s";
            }
        }));

        var report = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < all.Length; i++)
        {
            report[all[i].Name] = results[i] ?? "ready";
        }

        string[] down = [.. all.Where((c, i) => results[i] is not null).Select(c => c.Name)];
        if (down.Length == 0)
        {
            return TypedResults.Ok(new HealthReport("ready", report));
        }

        var problem = new ProblemDetails
        {
            Title = "Not ready",
            Status = StatusCodes.Status503ServiceUnavailable,
            Detail = $"Not ready: {string.Join("; ", down.Select(d => $"{d}: {report[d]}"))}",
            Type = "https://serverlessdiscovery.dev/problems/not-ready",
        };
        problem.Extensions["checks"] = report;
        return TypedResults.Problem(problem);
    }
}

internal sealed record HealthReport(string Status, IReadOnlyDictionary<string, string>? Checks);
