using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ServerlessDiscovery.Functions.Delivery;
using ServerlessDiscovery.Functions.Hosting;
using ServerlessDiscovery.Functions.Invocations;
using ServerlessDiscovery.Functions.Scheduling;

namespace ServerlessDiscovery.Infra.Tests;

/// <summary>Every function folder under functions/ is a function the executable serves, and the other way round.</summary>
public sealed class FunctionFoldersTests
{
    /// <summary>
    /// HTTP functions are proxied by the host (enableProxyingHttpRequest): the executable serves them by path, with no
    /// per-function registration to reflect over, and the Api/Otlp endpoints are being written in parallel, so they
    /// are listed here. Non-HTTP functions are read from the app's registered IFunctionHandler services.
    /// </summary>
    private static readonly string[] HttpFunctions = ["Api", "Otlp", "Health"];

    [Fact]
    public void FunctionFolders_MatchTheFunctionsTheExecutableServes()
    {
        string[] folders = [.. FunctionFolders().Order(StringComparer.Ordinal)];
        string[] served = [.. HttpFunctions.Concat(HandlerNames()).Order(StringComparer.Ordinal)];
        Assert.Equal(served, folders);
    }

    [Fact]
    public void FunctionJson_HttpFunctionsAreProxyable_OthersHaveOneNonHttpTrigger()
    {
        string[] handlers = HandlerNames();
        foreach (string folder in FunctionFolders())
        {
            JsonArray bindings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Functions, folder, "function.json")))!["bindings"]!.AsArray();
            string[] types = [.. bindings.Select(b => (string)b!["type"]!)];
            if (HttpFunctions.Contains(folder))
            {
                // enableProxyingHttpRequest applies only to exactly one HTTP trigger and one HTTP output.
                Assert.Equal(["httpTrigger", "http"], types.Order(StringComparer.Ordinal).Reverse());
            }
            else
            {
                Assert.Contains(folder, handlers);
                Assert.Single(types, t => t.EndsWith("Trigger", StringComparison.Ordinal));
                Assert.DoesNotContain(types, t => t.StartsWith("http", StringComparison.Ordinal));
            }
        }
    }

    private static IEnumerable<string> FunctionFolders() =>
        Directory.EnumerateDirectories(RepoPaths.Functions)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName)!;

    private static string[] HandlerNames()
    {
        WebApplication app = ServerlessDiscoveryApp.Build(
            [],
            c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
                ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                ["urls"] = "http://127.0.0.1:0",
                ["Secrets:EncryptionKey"] = Convert.ToBase64String(new byte[32]),
            }));
        try
        {
            return [.. app.Services.GetServices<IFunctionHandler>().Select(h => h.Name)];
        }
        finally
        {
            ((IDisposable)app).Dispose();
        }
    }
}
