using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Storage;

/// <summary>Where the inventory's tables live: a connection string, or a table service URI reached with a managed identity.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Storage__ConnectionString: an account-key connection string, or UseDevelopmentStorage=true for Azurite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Storage__TableServiceUri: https://{account}.table.core.windows.net, used with a managed identity.</summary>
    public string? TableServiceUri { get; set; }

    /// <summary>Storage__ClientId: the user-assigned identity's client id; empty for the default credential chain.</summary>
    public string? ClientId { get; set; }

    /// <summary>Storage__TablePrefix: prepended to every table name, so several deployments or test runs can share an account.</summary>
    public string TablePrefix { get; set; } = "sd";
}

public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        bool hasConnection = !string.IsNullOrWhiteSpace(options.ConnectionString);
        bool hasUri = !string.IsNullOrWhiteSpace(options.TableServiceUri);
        if (hasConnection == hasUri)
        {
            failures.Add("Set exactly one of Storage__ConnectionString (a storage connection string, or UseDevelopmentStorage=true) and Storage__TableServiceUri (with a managed identity).");
        }

        if (hasConnection)
        {
            try
            {
                _ = new TableServiceClient(options.ConnectionString!);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
            {
                // The SDK's message may quote the connection string, key included: name the setting, not the value.
                failures.Add("Storage__ConnectionString is malformed: expected AccountName=...;AccountKey=... (optionally TableEndpoint=...) or UseDevelopmentStorage=true.");
            }
        }

        if (hasUri && (!Uri.TryCreate(options.TableServiceUri, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("Storage__TableServiceUri must be an absolute https URL such as https://account.table.core.windows.net.");
        }

        if (string.IsNullOrEmpty(options.TablePrefix) || options.TablePrefix.Length > 40 || !char.IsAsciiLetter(options.TablePrefix[0])
            || !options.TablePrefix.All(char.IsAsciiLetterOrDigit))
        {
            failures.Add("Storage__TablePrefix must be 1 to 40 letters or digits, starting with a letter.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
