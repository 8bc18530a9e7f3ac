namespace ServerlessDiscovery.Http.Security;

/// <summary>Names of the API-key scheme, its authorization policy and its claims.</summary>
public static class ApiKeyDefaults
{
    public const string AuthenticationScheme = "ApiKey";

    /// <summary>The policy every route but health requires: an accepted key acting on a tenant it may act on.</summary>
    public const string Policy = "ApiKey";

    public const string ApiKeyHeader = "x-api-key";
    public const string TenantHeader = "X-Tenant-Id";
    public const string IntegrationHeader = "X-Integration-Id";

    internal const string TenantClaim = "sd:tenant";
    internal const string AllTenantsClaim = "sd:all_tenants";
}
