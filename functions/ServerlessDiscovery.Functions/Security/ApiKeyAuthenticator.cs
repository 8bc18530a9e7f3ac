using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

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

    public ApiKeyAuthenticator(IOptions<ApiKeyOptions> options)
    {
        _keys = [.. options.Value.Parse().Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k.Tenant))];
    }

    public bool KeysRequired => _keys.Length > 0;

    /// <summary>Returns the caller, or an error status (401 no/unknown key, 403 wrong tenant, 400 bad tenant id) with a reason.</summary>
    public (Caller? Caller, int Status, string? Error) Authenticate(HttpRequest request)
    {
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
