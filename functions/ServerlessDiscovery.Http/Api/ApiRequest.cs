using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace ServerlessDiscovery.Http.Api;

/// <summary>Request helpers shared by the API's endpoints: JSON bodies with limits, and problem replies (each with OpenCITE's <c>error</c> member).</summary>
internal static class ApiRequest
{
    public const int MaxBodyBytes = 1024 * 1024;
    private const int MaxErrorLength = 2000;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    /// <summary>
    /// Reads a JSON object body: null body → empty object; anything else wrong → a 4xx problem: a declared length over
    /// the limit is refused before a byte is read (413), as is a body that grows past it; duplicate property names and
    /// strings that are not valid UTF-16 (a lone surrogate escape such as \ud800) are 400, found here rather than
    /// when a handler first touches the value.
    /// </summary>
    public static async Task<(JsonObject? Body, ProblemHttpResult? Problem)> ReadObjectAsync(HttpRequest request, bool required = true)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return required ? (null, BadRequest("A JSON object body is required.")) : ([], null);
        }

        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send application/json."));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16384];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return (null, TooLarge());
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex)
        {
            // The server's own limits (its maximum body size, a body shorter than its Content-Length).
            return (null, TypedResults.Problem(statusCode: ex.StatusCode, title: "Bad request body", detail: ex.Message));
        }

        if (buffer.Length == 0)
        {
            return required ? (null, BadRequest("A JSON object body is required.")) : ([], null);
        }

        try
        {
            JsonNode? node = JsonNode.Parse(buffer.ToArray(), documentOptions: DocumentOptions);
            if (node is not JsonObject obj)
            {
                return (null, BadRequest("The body must be a JSON object."));
            }

            return FirstUnreadableString(obj, "$") is { } path
                ? (null, BadRequest($"The body's string at {(path.Length > 200 ? path[..200] + "…" : path)} is not valid UTF-16 (a lone surrogate escape); send well-formed text."))
                : (obj, null);
        }
        catch (JsonException ex)
        {
            return (null, BadRequest($"The body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidOperationException)
        {
            // The duplicate-name check reads every property name; one holding a lone surrogate cannot be read.
            return (null, BadRequest("A property name in the body is not valid UTF-16 (a lone surrogate escape); send well-formed text."));
        }
    }

    /// <summary>The path of the first property name or string value that cannot be read as a .NET string, or null.</summary>
    private static string? FirstUnreadableString(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                try
                {
                    // Enumerating materialises the members, which reads every property name.
                    foreach ((string name, JsonNode? value) in obj)
                    {
                        if (FirstUnreadableString(value, $"{path}.{name}") is { } bad)
                        {
                            return bad;
                        }
                    }
                }
                catch (InvalidOperationException)
                {
                    return path + " (a property name)";
                }

                return null;
            case JsonArray list:
                for (int i = 0; i < list.Count; i++)
                {
                    if (FirstUnreadableString(list[i], $"{path}[{i}]") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    _ = value.GetValue<string>();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return path;
                }

            default:
                return null;
        }
    }

    /// <summary>
    /// OpenCITE's clients show a failure's <c>error</c> member; every problem the app writes (ours, validation, the
    /// key check's, the exception handler's) carries one beside the RFC 7807 members: the detail, or for invalid fields
    /// each field with its message.
    /// </summary>
    public static void AddErrorMember(ProblemDetailsContext context)
    {
        ProblemDetails problem = context.ProblemDetails;
        string message = problem is HttpValidationProblemDetails { Errors.Count: > 0 } invalid
            ? string.Join(" ", invalid.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key} {m}")))
            : problem.Detail ?? problem.Title ?? ReasonPhrases.GetReasonPhrase(problem.Status ?? context.HttpContext.Response.StatusCode);
        problem.Extensions.TryAdd("error", message.Length > MaxErrorLength ? message[..MaxErrorLength] + "…" : message);
    }

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"The body is over {MaxBodyBytes} bytes.");

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>A 400 listing every bad field: {"errors": {"field": ["message"]}}.</summary>
    public static ValidationProblem Invalid(IEnumerable<(string Field, string Message)> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail: "The request has invalid fields; every one is listed in errors.",
            title: "Invalid request");

    public static bool TryGetString(JsonObject body, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!body.TryGetPropertyValue(name, out JsonNode? node) || node is null)
        {
            return false;
        }

        if (node is JsonValue v && v.TryGetValue(out string? s))
        {
            value = s;
            return true;
        }

        error = "must be a string.";
        return true;
    }

    public static bool TryGetBool(JsonObject body, string name, out bool? value, out string? error)
    {
        value = null;
        error = null;
        if (!body.TryGetPropertyValue(name, out JsonNode? node) || node is null)
        {
            return false;
        }

        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            value = v.GetValue<bool>();
            return true;
        }

        error = "must be true or false.";
        return true;
    }
}
