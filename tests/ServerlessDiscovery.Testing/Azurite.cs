using Azure.Data.Tables;
using Azure.Storage.Queues;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// The real Azurite that scripts/test.sh starts (in memory, on free ports): its table service named in
/// SD_TEST_TABLE_CONNECTION, its queue service in SD_TEST_QUEUE_CONNECTION. Tests isolate themselves with unique
/// table names, prefixes and queue names, never by order.
/// </summary>
public static class Azurite
{
    public const string ConnectionVariable = "SD_TEST_TABLE_CONNECTION";
    public const string QueueConnectionVariable = "SD_TEST_QUEUE_CONNECTION";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ConnectionVariable} is not set: run the tests with scripts/test.sh, which starts Azurite for them.");

    /// <summary>Table endpoint, e.g. http://127.0.0.1:PORT/devstoreaccount1.</summary>
    public static Uri TableEndpoint => CreateServiceClient().Uri;

    /// <summary>A service client with the app's own pipeline options (<see cref="TableStore.CreateClientOptions"/>) unless others are given.</summary>
    public static TableServiceClient CreateServiceClient(TableClientOptions? options = null) => new(ConnectionString, options ?? TableStore.CreateClientOptions());

    /// <summary>A connection string for Azurite's queue service (QueueEndpoint only).</summary>
    public static string QueueConnectionString =>
        Environment.GetEnvironmentVariable(QueueConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{QueueConnectionVariable} is not set: run the tests with scripts/test.sh, which starts Azurite for them.");

    /// <summary>A client for one queue; messages are read and written as they are on the wire (no encoding applied).</summary>
    public static QueueClient CreateQueueClient(string name) =>
        new(QueueConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    /// <summary>A fresh queue name, unique to this call (lower-case letters and digits).</summary>
    public static string UniqueQueueName(string prefix = "q") => prefix + Guid.NewGuid().ToString("N")[..20];

    /// <summary>A fresh table name, unique to this call (letters and digits only).</summary>
    public static string UniqueName(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..20];
}
