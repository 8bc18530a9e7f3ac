namespace ServerlessDiscovery.Ui.Tests;

/// <summary>The tests that share one seeded app and one browser.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardApp>, ICollectionFixture<Chromium>
{
    public const string Name = "dashboard";
}
