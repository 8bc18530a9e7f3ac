using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Http.Security;

public static class ApiKeyServiceCollectionExtensions
{
    /// <summary>
    /// Api__Keys (validated at start) as the default authentication scheme, and the <see cref="ApiKeyDefaults.Policy"/>
    /// policy that endpoints require with <c>RequireAuthorization(ApiKeyDefaults.Policy)</c>.
    /// </summary>
    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddOptions<ApiKeyAuthenticationOptions>(ApiKeyDefaults.AuthenticationScheme)
            .Configure<IOptions<ApiKeyOptions>>((o, keys) => o.UseKeys(keys.Value.Parse()));

        // AddAuthentication() would add Data Protection too, whose hosted service reads its XML key ring at start-up
        // (System.Private.Xml and the key ring stay resident; README, Benchmarks). An API key needs no protected payloads.
        services.AddAuthenticationCore(o => o.DefaultScheme = ApiKeyDefaults.AuthenticationScheme);
        services.AddWebEncoders();
        new AuthenticationBuilder(services)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.AuthenticationScheme, null);
        services.AddSingleton<IAuthorizationHandler, TenantBindingRequirement>();
        services.AddAuthorizationBuilder().AddPolicy(ApiKeyDefaults.Policy, policy => policy
            .AddAuthenticationSchemes(ApiKeyDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new TenantBindingRequirement()));
        return services;
    }
}
