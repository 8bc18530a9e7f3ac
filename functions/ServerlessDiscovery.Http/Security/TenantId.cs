namespace ServerlessDiscovery.Http.Security;

/// <summary>Tenant ids appear in table keys and event sources, so they are kept to a safe alphabet.</summary>
public static class TenantId
{
    public const string Default = "default";

    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
