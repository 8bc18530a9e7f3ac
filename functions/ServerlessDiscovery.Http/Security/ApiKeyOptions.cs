using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Http.Security;

/// <summary>
/// Api__Keys: API keys separated by ';'. A key written "key@tenant" is bound to that tenant and sees only it;
/// a bare key may act on any tenant (chosen with X-Tenant-Id). Empty means no keys, and then the app
/// listens on loopback only.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Api";

    public string? Keys { get; set; }

    internal IReadOnlyList<ApiKey> Parse()
    {
        var keys = new List<ApiKey>();
        foreach (string entry in (Keys ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int at = entry.LastIndexOf('@');
            keys.Add(at < 0 ? new ApiKey(entry, null) : new ApiKey(entry[..at], entry[(at + 1)..]));
        }

        return keys;
    }
}

internal sealed record ApiKey(string Key, string? Tenant);

internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var failures = new List<string>();
        IReadOnlyList<ApiKey> keys = options.Parse();
        for (int i = 0; i < keys.Count; i++)
        {
            // Position only: the message must never contain key material.
            if (keys[i].Key.Length < 16)
            {
                failures.Add($"Api__Keys entry {i + 1} is shorter than 16 characters; use a long random key.");
            }

            if (keys[i].Tenant is { } tenant && !TenantId.IsValid(tenant))
            {
                failures.Add($"Api__Keys entry {i + 1} names tenant '{tenant}', which is not a valid tenant id (1-64 letters, digits, '-' or '_').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
