using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Storage.Delivery;

/// <summary>
/// The deliveries queue: its name (DELIVERIES_QUEUE) and the storage account it is in, which is the Functions host's
/// own (AzureWebJobsStorage), so the host's queue trigger and this app's sender and standalone poller agree.
/// </summary>
public sealed partial class DeliveryQueueOptions
{
    /// <summary>The app setting naming the queue; a flat name so a trigger can say %DELIVERIES_QUEUE%.</summary>
    public const string SettingName = "DELIVERIES_QUEUE";

    /// <summary>The queue name for a [QueueTrigger] attribute, resolved from <see cref="SettingName"/>.</summary>
    public const string TriggerQueueName = "%" + SettingName + "%";

    /// <summary>The connection name for a [QueueTrigger] attribute and the prefix of the identity-based settings.</summary>
    public const string ConnectionName = "AzureWebJobsStorage";

    public const string DefaultQueueName = "deliveries";

    public string QueueName { get; set; } = DefaultQueueName;

    /// <summary>AzureWebJobsStorage: a connection string (UseDevelopmentStorage=true for Azurite).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>AzureWebJobsStorage__queueServiceUri, or https://{AzureWebJobsStorage__accountName}.queue.core.windows.net.</summary>
    public string? QueueServiceUri { get; set; }

    /// <summary>AzureWebJobsStorage__credential: "managedidentity" for the app's managed identity; otherwise the default chain.</summary>
    public string? Credential { get; set; }

    /// <summary>AzureWebJobsStorage__clientId: the user-assigned identity's client id.</summary>
    public string? ClientId { get; set; }

    internal static void Bind(DeliveryQueueOptions options, IConfiguration configuration)
    {
        if (configuration[SettingName] is { Length: > 0 } name)
        {
            options.QueueName = name;
        }

        IConfigurationSection connection = configuration.GetSection(ConnectionName);
        options.ConnectionString = connection.Value is { Length: > 0 } value ? value : null;
        options.QueueServiceUri = connection["queueServiceUri"] is { Length: > 0 } uri ? uri
            : connection["accountName"] is { Length: > 0 } account ? $"https://{account}.queue.core.windows.net" : null;
        options.Credential = connection["credential"];
        options.ClientId = connection["clientId"];
    }

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    internal static partial Regex QueueNamePattern();
}

internal sealed class DeliveryQueueOptionsValidator : IValidateOptions<DeliveryQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryQueueOptions options)
    {
        var failures = new List<string>();
        if (!DeliveryQueueOptions.QueueNamePattern().IsMatch(options.QueueName))
        {
            failures.Add($"{DeliveryQueueOptions.SettingName} '{options.QueueName}' is not a queue name: 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        if (options.ConnectionString is null && options.QueueServiceUri is null)
        {
            failures.Add("Webhook deliveries need a Storage queue: set AzureWebJobsStorage (a connection string, or UseDevelopmentStorage=true for Azurite), "
                + "or AzureWebJobsStorage__queueServiceUri or AzureWebJobsStorage__accountName with a managed identity (AzureWebJobsStorage__credential=managedidentity, AzureWebJobsStorage__clientId).");
        }
        else if (options.ConnectionString is not null && !IsConnectionString(options.ConnectionString))
        {
            failures.Add("AzureWebJobsStorage is not a storage connection string (nor UseDevelopmentStorage=true).");
        }
        else if (options.ConnectionString is null && (!Uri.TryCreate(options.QueueServiceUri, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("AzureWebJobsStorage__queueServiceUri must be an absolute https URL such as https://account.queue.core.windows.net.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsConnectionString(string value)
    {
        try
        {
            _ = new Azure.Storage.Queues.QueueServiceClient(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
