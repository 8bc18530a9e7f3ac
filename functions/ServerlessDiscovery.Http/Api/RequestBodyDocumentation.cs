using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// Describes in the OpenAPI document the JSON body a handler reads itself (<see cref="ApiRequest.ReadObjectAsync"/>:
/// every field's problem reported at once, by name), without the Content-Type matching that <c>Accepts</c> metadata
/// would add to routing.
/// </summary>
internal static class RequestBodyDocumentation
{
    public static RouteHandlerBuilder WithJsonBody<TRequest>(this RouteHandlerBuilder builder, bool required = true) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            IOpenApiSchema schema = await context.GetOrCreateSchemaAsync(typeof(TRequest), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });
}
