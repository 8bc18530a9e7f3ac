using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>The Azurite that scripts/bench-*.sh started (SD_TEST_TABLE_CONNECTION), with tables under a fresh prefix.</summary>
internal static class BenchStorage
{
    public static TableStore Create(string prefix, string script, TableClientOptions? clientOptions = null)
    {
        string connection = Environment.GetEnvironmentVariable("SD_TEST_TABLE_CONNECTION")
            ?? throw new InvalidOperationException($"SD_TEST_TABLE_CONNECTION is not set; run {script}.");
        return new TableStore(Options.Create(new StorageOptions { ConnectionString = connection, TablePrefix = prefix + Guid.NewGuid().ToString("N")[..10] }), clientOptions);
    }
}
