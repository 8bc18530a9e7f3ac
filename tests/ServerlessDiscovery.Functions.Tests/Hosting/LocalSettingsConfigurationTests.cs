using Microsoft.Extensions.Configuration;
using ServerlessDiscovery.Functions.Hosting;

namespace ServerlessDiscovery.Functions.Tests.Hosting;

public sealed class LocalSettingsConfigurationTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"local.settings.{Guid.NewGuid():N}.json");
    private readonly string _variable = "SD_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public void Dispose()
    {
        File.Delete(_file);
        Environment.SetEnvironmentVariable(_variable + "__Value", null);
    }

    [Fact]
    public void AddLocalSettings_ValuesWithDoubleUnderscore_BecomeSections_AndEnvironmentWins()
    {
        File.WriteAllText(_file, $$"""
            { "IsEncrypted": false, "Values": { "{{_variable}}__Value": "from-file", "{{_variable}}__Other": "kept", "Flag": true } }
            """);
        Environment.SetEnvironmentVariable(_variable + "__Value", "from-environment");
        var builder = new ConfigurationBuilder().AddEnvironmentVariables();

        builder.AddLocalSettings(_file);
        IConfigurationRoot config = builder.Build();

        Assert.Equal("from-environment", config[$"{_variable}:Value"]);
        Assert.Equal("kept", config[$"{_variable}:Other"]);
        Assert.Equal("true", config["Flag"]);
    }

    [Fact]
    public void AddLocalSettings_MissingFile_AddsNothing()
    {
        var builder = new ConfigurationBuilder();
        builder.AddLocalSettings(_file);
        Assert.Empty(builder.Sources);
    }

    [Fact]
    public void AddLocalSettings_InvalidJson_FailsNamingTheFile()
    {
        File.WriteAllText(_file, "{ not json");
        var ex = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder().AddLocalSettings(_file));
        Assert.Contains(_file, ex.Message, StringComparison.Ordinal);
    }
}
