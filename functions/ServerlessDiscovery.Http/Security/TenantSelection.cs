using Microsoft.Extensions.Primitives;

namespace ServerlessDiscovery.Http.Security;

/// <summary>
/// The tenant a request asks for. OpenCITE's clients name their integration with the X-Integration-Id header or the
/// ?integration_id= query parameter; ours may also send X-Tenant-Id. Every form selects the same tenant, on every read
/// and write. Forms that disagree (or a form given twice with different values) are refused rather than one of them
/// silently winning, and so is an empty or malformed id: a request never lands on a tenant it did not name.
/// </summary>
internal readonly record struct TenantSelection(string? Tenant, string? Problem)
{
    public const string IntegrationQuery = "integration_id";
    public const string BadTenantId = "X-Tenant-Id, X-Integration-Id and ?integration_id= must be 1-64 letters, digits, '-' or '_'.";
    public const string ConflictingTenantIds = "X-Tenant-Id, X-Integration-Id and ?integration_id= name different tenants; send one, or the same id in each.";

    public static TenantSelection Read(HttpRequest request)
    {
        string? chosen = null;
        foreach (StringValues values in (StringValues[])[request.Headers[ApiKeyDefaults.TenantHeader], request.Headers[ApiKeyDefaults.IntegrationHeader], request.Query[IntegrationQuery]])
        {
            foreach (string? value in values)
            {
                if (!TenantId.IsValid(value))
                {
                    return new(null, BadTenantId);
                }

                if (chosen is not null && !string.Equals(chosen, value, StringComparison.Ordinal))
                {
                    return new(null, ConflictingTenantIds);
                }

                chosen = value;
            }
        }

        return new(chosen, null);
    }
}
