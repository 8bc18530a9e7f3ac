using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Functions.Hosting;

namespace ServerlessDiscovery.Functions.Security;

/// <summary>Who is calling: the tenant the request acts on and whether the key may act on any tenant.</summary>
public sealed record Caller(string Tenant, bool AllTenants);

/// <summary>
/// Checks x-api-key or Authorization: Bearer against Api__Keys in constant time, and resolves the tenant
/// from the key's binding or from X-Tenant-Id / X-Integration-Id.
/// </summary>
public sealed class ApiKeyAuthenticator
{
    private readonly (byte[] Hash, string? Tenant)[] _keys;

    private readonly bool _refuseWithoutKeys;

    public ApiKeyAuthenticator(IOptions<ApiKeyOptions> options, HostingModeAccessor hosting)
    {
        _keys = [.. options.Value.Parse().Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k.Tenant))];

        // Standalone without keys listens on loopback only; under the Functions host the app is public, so no keys means no API.
        _refuseWithoutKeys = hosting.Mode == HostingMode.FunctionsWorker && _keys.Length == 0;
    }

    public bool KeysRequired => _keys.Length > 0;

    /// <summary>
    /// Returns the caller, or an error status (401 no/unknown key, 403 wrong tenant, 400 bad tenant id, 503 no keys
    /// configured under the Functions host) with a reason.
    /// </summary>
    public (Caller? Caller, int Status, string? Error) Authenticate(HttpRequest request)
    {
        if (_refuseWithoutKeys)
        {
            return (null, StatusCodes.Status503ServiceUnavailable, "Api__Keys is not set: under the Functions host the API and OTLP endpoints are served only with API keys. Set the Api__Keys app setting.");
        }

        string? requestedTenant = request.Headers["X-Tenant-Id"].FirstOrDefault() ?? request.Headers["X-Integration-Id"].FirstOrDefault();
        if (requestedTenant is not null && !TenantId.IsValid(requestedTenant))
        {
            return (null, StatusCodes.Status400BadRequest, "X-Tenant-Id must be 1-64 letters, digits, '-' or '_'.");
        }

        if (!KeysRequired)
        {
            return (new Caller(requestedTenant ?? TenantId.Default, AllTenants: true), 200, null);
        }

        string? presented = request.Headers["x-api-key"].FirstOrDefault();
        if (presented is null && request.Headers.Authorization.FirstOrDefault() is { } auth
            && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = auth[7..].Trim();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return (null, StatusCodes.Status401Unauthorized, "An API key is required: send it as x-api-key or Authorization: Bearer.");
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        foreach ((byte[] keyHash, string? tenant) in _keys)
        {
            if (!CryptographicOperations.FixedTimeEquals(hash, keyHash))
            {
                continue;
            }

            if (tenant is null)
            {
                return (new Caller(requestedTenant ?? TenantId.Default, AllTenants: true), 200, null);
            }

            if (requestedTenant is not null && !string.Equals(requestedTenant, tenant, StringComparison.Ordinal))
            {
                return (null, StatusCodes.Status403Forbidden, "This API key is bound to another tenant.");
            }

            return (new Caller(tenant, AllTenants: false), 200, null);
        }

        return (null, StatusCodes.Status401Unauthorized, "The API key is not valid.");
    }
}
