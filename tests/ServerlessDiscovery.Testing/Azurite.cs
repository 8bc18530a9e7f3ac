using Azure.Data.Tables;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// The real Azurite that scripts/test.sh starts (in memory, on a free port) and names in SD_TEST_TABLE_CONNECTION.
/// Tests isolate themselves with unique table names or prefixes, never by order.
/// </summary>
public static class Azurite
{
    public const string ConnectionVariable = "SD_TEST_TABLE_CONNECTION";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ConnectionVariable} is not set: run the tests with scripts/test.sh, which starts Azurite for them.");

    /// <summary>Table endpoint, e.g. http://127.0.0.1:PORT/devstoreaccount1.</summary>
    public static Uri TableEndpoint => CreateServiceClient().Uri;

    /// <summary>A service client with the app's own pipeline options (<see cref="TableStore.CreateClientOptions"/>) unless others are given.</summary>
    public static TableServiceClient CreateServiceClient(TableClientOptions? options = null) => new(ConnectionString, options ?? TableStore.CreateClientOptions());

    /// <summary>A fresh table name, unique to this call (letters and digits only).</summary>
    public static string UniqueName(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..20];
}
