using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ServerlessDiscovery.Http.Health;

/// <summary>Adds /healthz and /readyz, with their reply schemas, to the OpenAPI document.</summary>
internal sealed class HealthOpenApiTransformer : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        IOpenApiSchema live = await context.GetOrCreateSchemaAsync(typeof(LivenessReply), null, cancellationToken);
        IOpenApiSchema ready = await context.GetOrCreateSchemaAsync(typeof(ReadinessReply), null, cancellationToken);
        IOpenApiSchema problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);

        document.Paths ??= [];
        document.Paths["/healthz"] = PathItem(document, "The process serves (no dependency is checked).", ("200", "Serving", "application/json", live));
        document.Paths["/readyz"] = PathItem(
            document,
            $"Every dependency answers within {HealthEndpoints.CheckTimeout.TotalSeconds:0} s; otherwise a problem naming what is down, with a per-check report in checks.",
            ("200", "Ready", "application/json", ready),
            ("503", "Not ready", "application/problem+json", problem));
    }

    private static OpenApiPathItem PathItem(OpenApiDocument document, string description, params (string Status, string Description, string ContentType, IOpenApiSchema Schema)[] responses)
    {
        var operation = new OpenApiOperation
        {
            Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
            Description = description,
            Responses = [],
        };
        foreach ((string status, string text, string contentType, IOpenApiSchema schema) in responses)
        {
            operation.Responses[status] = new OpenApiResponse
            {
                Description = text,
                Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() { Schema = schema } },
            };
        }

        return new OpenApiPathItem { Operations = new() { [HttpMethod.Get] = operation } };
    }
}
