using System.Security.Claims;

namespace ServerlessDiscovery.Http.Security;

/// <summary>Who is calling: the tenant the request acts on and whether the key may act on any tenant.</summary>
public sealed record Caller(string Tenant, bool AllTenants);

public static class CallerClaims
{
    /// <summary>The caller the API-key scheme authenticated; only routes behind <see cref="ApiKeyDefaults.Policy"/> have one.</summary>
    public static Caller GetCaller(this ClaimsPrincipal user) =>
        user.FindFirst(ApiKeyDefaults.TenantClaim)?.Value is { } tenant
            ? new Caller(tenant, user.FindFirst(ApiKeyDefaults.AllTenantsClaim)?.Value == "true")
            : throw new InvalidOperationException($"The request was not authenticated by the {ApiKeyDefaults.AuthenticationScheme} scheme; require the {ApiKeyDefaults.Policy} policy on this endpoint.");
}
