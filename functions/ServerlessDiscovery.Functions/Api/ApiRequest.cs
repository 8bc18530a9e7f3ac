using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Security;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>Request helpers shared by the API's endpoints: the caller, JSON bodies with limits, and problem replies.</summary>
internal static class ApiRequest
{
    public const int MaxBodyBytes = 1024 * 1024;
    private const string CallerKey = "sd.caller";

    public static Caller Caller(this HttpContext context) => (Caller)context.Items[CallerKey]!;

    public static void SetCaller(this HttpContext context, Caller caller) => context.Items[CallerKey] = caller;

    /// <summary>Reads a JSON object body: null body → empty object; anything else wrong → a 4xx problem.</summary>
    public static async Task<(JsonObject? Body, IResult? Problem)> ReadObjectAsync(HttpRequest request, bool required = true)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return required ? (null, BadRequest("A JSON object body is required.")) : ([], null);
        }

        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "Send application/json."));
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16384];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large", detail: $"The body is over {MaxBodyBytes} bytes."));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return required ? (null, BadRequest("A JSON object body is required.")) : ([], null);
        }

        try
        {
            JsonNode? node = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
            return node is JsonObject obj ? (obj, null) : (null, BadRequest("The body must be a JSON object."));
        }
        catch (JsonException ex)
        {
            return (null, BadRequest($"The body is not valid JSON: {ex.Message}"));
        }
    }

    /// <summary>The answer to a request whose API key or tenant was refused (401 with a Bearer challenge, 403, or 400).</summary>
    public static IResult AuthenticationProblem(HttpContext context, int status, string? error)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return TypedResults.Problem(statusCode: status, title: status switch { 401 => "Unauthorized", 403 => "Forbidden", 503 => "API keys not configured", _ => "Bad request" }, detail: error);
    }

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>A 400 listing every bad field: {"errors": {"field": ["message"]}}.</summary>
    public static IResult Invalid(IEnumerable<(string Field, string Message)> errors) =>
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
