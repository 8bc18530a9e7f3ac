using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Engine.Security;

/// <summary>Secrets__EncryptionKey: the base64 256-bit key that encrypts plugin secrets at rest (a Key Vault reference in Azure).</summary>
public sealed class SecretsOptions
{
    public const string Section = "Secrets";

    public string? EncryptionKey { get; set; }
}

internal sealed class SecretsOptionsValidator : IValidateOptions<SecretsOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretsOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.EncryptionKey))
        {
            return ValidateOptionsResult.Fail("Secrets__EncryptionKey is not set: give a base64 256-bit key (e.g. `openssl rand -base64 32`); in Azure, a Key Vault reference.");
        }

        try
        {
            return Convert.FromBase64String(options.EncryptionKey).Length == 32
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Secrets__EncryptionKey must decode to exactly 32 bytes (a base64 256-bit key).");
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Fail("Secrets__EncryptionKey is not valid base64.");
        }
    }
}

/// <summary>AES-256-GCM for plugin secrets at rest. The tenant and instance are bound as associated data, so a ciphertext cannot be moved to another instance.</summary>
public sealed class SecretProtector(IOptions<SecretsOptions> options)
{
    private const string Prefix = "v1:";
    private readonly byte[] _key = Convert.FromBase64String(options.Value.EncryptionKey!);

    public string Protect(string plaintext, string context)
    {
        byte[] nonce = RandomNumberGenerator.GetBytes(12);
        byte[] input = Encoding.UTF8.GetBytes(plaintext);
        byte[] cipher = new byte[input.Length];
        byte[] tag = new byte[16];
        using (var aes = new AesGcm(_key, 16))
        {
            aes.Encrypt(nonce, input, cipher, tag, Encoding.UTF8.GetBytes(context));
        }

        return Prefix + Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public string Unprotect(string protectedText, string context)
    {
        if (!protectedText.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("The stored secret is not in a known format.");
        }

        byte[] data = Convert.FromBase64String(protectedText[Prefix.Length..]);
        byte[] plain = new byte[data.Length - 28];
        using (var aes = new AesGcm(_key, 16))
        {
            aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(28), data.AsSpan(12, 16), plain, Encoding.UTF8.GetBytes(context));
        }

        return Encoding.UTF8.GetString(plain);
    }
}
