using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Http.Hosting;

namespace ServerlessDiscovery.Http.Security;

/// <summary>
/// Accepts x-api-key or Authorization: Bearer when its SHA-256 hash matches one of Api__Keys (compared in constant
/// time), and names the tenant the request acts on: the key's bound tenant, else the one <see cref="TenantSelection"/>
/// reads (X-Tenant-Id, X-Integration-Id or ?integration_id=), else the default. The challenge (401, or 400 for a
/// malformed or contradictory tenant id) and the forbid (403, a key bound to another tenant) answer with problem
/// details. Keys never reach a log or a reply. Standalone without keys the API is open (and
/// listens on loopback only); under the Functions host the app is public, so there no keys means 503 naming Api__Keys.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, HostingModeAccessor hosting)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    internal const string KeyRequired = "An API key is required: send it as x-api-key or Authorization: Bearer.";
    internal const string KeyNotValid = "The API key is not valid.";
    internal const string BadTenantId = TenantSelection.BadTenantId;
    internal const string OtherTenant = "This API key is bound to another tenant.";
    internal const string KeysNotConfigured = "Api__Keys is not set: under the Functions host the API and OTLP endpoints are served only with API keys. Set the Api__Keys app setting.";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        TenantSelection selection = TenantSelection.Read(Request);
        if (selection.Problem is { } problem)
        {
            return Task.FromResult(AuthenticateResult.Fail(new BadTenantIdException(problem)));
        }

        string? requested = selection.Tenant;

        if (Options.Keys.Count == 0 && hosting.Mode == HostingMode.FunctionsWorker)
        {
            return Task.FromResult(AuthenticateResult.Fail(new KeysNotConfiguredException()));
        }

        if (Options.Keys.Count == 0)
        {
            return Task.FromResult(Success(requested ?? TenantId.Default, allTenants: true));
        }

        string? presented = PresentedKey(Request);
        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        foreach ((byte[] keyHash, string? tenant) in Options.Keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash))
            {
                // A bound key keeps its tenant here; asking for another one is refused by the policy (403).
                return Task.FromResult(tenant is null ? Success(requested ?? TenantId.Default, allTenants: true) : Success(tenant, allTenants: false));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail(KeyNotValid));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        AuthenticateResult result = await HandleAuthenticateOnceSafeAsync();
        if (result.Failure is KeysNotConfiguredException)
        {
            await WriteProblemAsync(StatusCodes.Status503ServiceUnavailable, "API keys not configured", KeysNotConfigured);
            return;
        }

        if (result.Failure is BadTenantIdException bad)
        {
            await WriteProblemAsync(StatusCodes.Status400BadRequest, "Bad request", bad.Message);
            return;
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", result.Failure is null ? KeyRequired : KeyNotValid);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", OtherTenant);

    private static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers[ApiKeyDefaults.ApiKeyHeader].FirstOrDefault() is { } key)
        {
            return key;
        }

        return request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? auth[7..].Trim()
            : null;
    }

    private AuthenticateResult Success(string tenant, bool allTenants)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ApiKeyDefaults.TenantClaim, tenant), new Claim(ApiKeyDefaults.AllTenantsClaim, allTenants ? "true" : "false")],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);

    /// <summary>Marks the failure the challenge answers with 400 rather than 401: a malformed or contradictory tenant id.</summary>
    private sealed class BadTenantIdException(string message) : Exception(message);

    /// <summary>Marks the failure the challenge answers with 503: a worker without Api__Keys.</summary>
    private sealed class KeysNotConfiguredException() : Exception(KeysNotConfigured);
}
