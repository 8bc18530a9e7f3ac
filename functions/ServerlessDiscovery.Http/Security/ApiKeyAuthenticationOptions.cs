using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;

namespace ServerlessDiscovery.Http.Security;

/// <summary>The API-key scheme's options: the SHA-256 hashes of Api__Keys, each with the tenant it is bound to, if any.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>No keys means the API is open (standalone binds to loopback only then).</summary>
    internal IReadOnlyList<(byte[] Hash, string? Tenant)> Keys { get; set; } = [];

    internal void UseKeys(IEnumerable<ApiKey> keys) =>
        Keys = [.. keys.Select(k => (SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k.Tenant))];
}
