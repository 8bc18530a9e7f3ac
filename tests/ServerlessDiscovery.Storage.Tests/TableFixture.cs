using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Storage.Tests;

/// <summary>A table of its own in the test Azurite for one test class, reached through the app's <see cref="TableStore"/>; deleted afterwards.</summary>
public sealed class TableFixture : IAsyncLifetime
{
    public string Prefix { get; } = Azurite.UniqueName("s");

    public TableStore Store { get; private set; } = null!;

    public TableClient Table { get; private set; } = null!;

    /// <summary>Another store on the same tables, with its own pipeline options (a counter, an injected transport).</summary>
    public TableStore CreateStore(TableClientOptions options) =>
        new(Options.Create(new StorageOptions { ConnectionString = Azurite.ConnectionString, TablePrefix = Prefix }), options);

    public async Task InitializeAsync()
    {
        Store = CreateStore(TableStore.CreateClientOptions());
        Table = await Store.GetTableAsync("t");
    }

    public Task DisposeAsync() => Table.DeleteAsync();
}
