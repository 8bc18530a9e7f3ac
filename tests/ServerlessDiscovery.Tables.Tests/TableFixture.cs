using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Tables.Tests;

/// <summary>A fresh table in the test Azurite for one test class, deleted afterwards.</summary>
public sealed class TableFixture : IAsyncLifetime
{
    public TableServiceClient Service { get; } = Azurite.CreateServiceClient();

    public TableClient Table { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Table = Service.GetTableClient(Azurite.UniqueName());
        await Table.CreateIfNotExistsAsync();
    }

    public Task DisposeAsync() => Table.DeleteTableAsync();
}
