using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.Redaction;

public sealed class SecretRedactorTests
{
    private const string Secret = "s3cr3t-Value+With/Odd=Chars\"and\\more";
    private const string Mask = SecretRedactor.Mask;

    private static readonly SecretRedactor Redactor = new([Secret]);

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string> Forms()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Secret);
        return new TheoryData<string, string>
        {
            { "raw", Secret },
            { "upper case", Secret.ToUpperInvariant() },
            { "url-encoded", Uri.EscapeDataString(Secret) },
            { "form-encoded", WebUtility.UrlEncode(Secret) },
            { "url-encoded lower-case hex", Uri.EscapeDataString(Secret).ToLowerInvariant() },
            { "json-escaped", System.Text.Json.JsonSerializer.Serialize(Secret)[1..^1] },
            { "json-escaped relaxed", System.Text.Json.JsonSerializer.Serialize(Secret, Relaxed)[1..^1] },
            { "base64", Convert.ToBase64String(bytes) },
            { "base64url", Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_') },
            { "basic", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client-id:" + Secret)) },
            { "base64 after one byte", Convert.ToBase64String([.. "x"u8, .. bytes]) },
            { "base64 after two bytes", Convert.ToBase64String([.. "xy"u8, .. bytes]) },
            { "bearer", "Bearer " + Secret },
            { "prefix", Secret[..12] + "..." },
            { "suffix", "..." + Secret[^10..] },
            { "json field", $$"""{"api_key": "{{System.Text.Json.JsonSerializer.Serialize(Secret)[1..^1]}}"}""" },
        };
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Redact_SecretInAForm_LeavesNoFragmentOfIt(string form, string echoed)
    {
        string text = Redactor.Redact($"provider said: {echoed} (refused)");

        Assert.Contains(Mask, text, StringComparison.Ordinal);
        Assert.StartsWith("provider said: ", text, StringComparison.Ordinal);
        AssertNoFragment(text, form);
    }

    [Fact]
    public void Redact_SecretTwiceWithOverlappingForms_MasksEachRunOnce()
    {
        string text = Redactor.Redact($"a {Secret} b {Secret}{Secret} c");

        Assert.Equal($"a {Mask} b {Mask} c", text);
    }

    [Fact]
    public void Redact_ShortValuesAndOrdinaryText_AreLeftAlone()
    {
        var redactor = new SecretRedactor(["abc", "abcd1234"]);

        Assert.Equal("abc is too short; so is ab", redactor.Redact("abc is too short; so is ab"));
        Assert.Equal("Token expired for user x", redactor.Redact("Token expired for user x"));
        Assert.Equal("prefix abcd12 is under the fragment length", redactor.Redact("prefix abcd12 is under the fragment length"));
        Assert.Equal($"whole {Mask} goes", redactor.Redact("whole abcd1234 goes"));
    }

    [Fact]
    public void Redact_FragmentShorterThanTheRule_IsKept_AndAtTheRule_IsMasked()
    {
        const string secret = "0123456789abcdefghij";
        var redactor = new SecretRedactor([secret]);

        Assert.Equal("key 0123456…", redactor.Redact("key 0123456…"));
        Assert.Equal($"key {Mask}…", redactor.Redact("key 01234567…"));
        Assert.Equal($"key …{Mask}", redactor.Redact("key …cdefghij"));
    }

    [Fact]
    public void Redact_CredentialShapes_AreMaskedWithoutKnowingThem()
    {
        string text = SecretRedactor.None.Redact(
            "Authorization: Bearer ya29.a0AfH6SMBx1 and Basic dXNlcjpwYXNz1234 jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_part " +
            "url https://h/x?code=abc123&api-version=2024 and \"client_secret\": \"zzz\"");

        Assert.DoesNotContain("ya29", text, StringComparison.Ordinal);
        Assert.DoesNotContain("dXNlcjpwYXNz1234", text, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("zzz", text, StringComparison.Ordinal);
        Assert.Contains("api-version=2024", text, StringComparison.Ordinal);
        Assert.Contains("Bearer " + Mask, text, StringComparison.Ordinal);
    }

    [Fact]
    public void For_Configuration_CoversEverySecretFieldMapValueAndNestedKey()
    {
        ConfigField[] fields =
        [
            new("token", "Token", ConfigFieldType.String, Secret: true),
            new("headers", "Headers", ConfigFieldType.StringMap, Secret: true),
            new("key_json", "Key", ConfigFieldType.String, Secret: true),
            new("name", "Name", ConfigFieldType.String),
        ];
        const string privateKey = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBg";
        (PluginConfiguration? configuration, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(fields, new JsonObject
        {
            ["token"] = "tok-0123456789",
            ["headers"] = new JsonObject { ["X-Key"] = "hdr-0123456789" },
            ["key_json"] = new JsonObject { ["private_key"] = privateKey, ["type"] = "service_account" }.ToJsonString(),
            ["name"] = "visible-name",
        });
        Assert.Empty(errors);

        string text = SecretRedactor.For(configuration).Redact($"tok-0123456789 hdr-0123456789 {privateKey} visible-name");

        Assert.Equal($"{Mask} {Mask} {Mask} visible-name", text);
    }

    [Fact]
    public void Redact_NoText_ReturnsIt()
    {
        Assert.Null(Redactor.Redact(null));
        Assert.Equal(string.Empty, Redactor.Redact(string.Empty));
    }

    private static void AssertNoFragment(string text, string form)
    {
        // Any 8-character window of the secret or of its forms would be a leak.
        foreach (string variant in Forms().Select(row => (string)row[1]).Append(Secret))
        {
            string core = variant.Replace("Basic ", string.Empty, StringComparison.Ordinal).Replace("Bearer ", string.Empty, StringComparison.Ordinal);
            for (int i = 0; i + SecretRedactor.MinimumFragment <= core.Length; i++)
            {
                string window = core.Substring(i, SecretRedactor.MinimumFragment);
                if (window.IndexOfAny([' ', '.', '"', '{', ':', '}']) < 0 && !"provider said".Contains(window, StringComparison.Ordinal))
                {
                    Assert.False(text.Contains(window, StringComparison.OrdinalIgnoreCase), $"{form}: '{window}' of '{variant}' survives in '{text}'");
                }
            }
        }
    }
}
