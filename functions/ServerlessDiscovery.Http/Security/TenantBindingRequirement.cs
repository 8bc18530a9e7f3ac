using Microsoft.AspNetCore.Authorization;

namespace ServerlessDiscovery.Http.Security;

/// <summary>A key bound to a tenant may act on that tenant only: asking for another one (X-Tenant-Id, X-Integration-Id, ?integration_id=) is forbidden.</summary>
internal sealed class TenantBindingRequirement : AuthorizationHandler<TenantBindingRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantBindingRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.Resource is HttpContext http)
        {
            Caller caller = context.User.GetCaller();
            string? requested = TenantSelection.Read(http.Request).Tenant;
            if (caller.AllTenants || requested is null || string.Equals(requested, caller.Tenant, StringComparison.Ordinal))
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }
}
