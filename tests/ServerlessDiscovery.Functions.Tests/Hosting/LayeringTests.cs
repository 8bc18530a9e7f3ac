using System.Reflection;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine;
using ServerlessDiscovery.EventGrid;
using ServerlessDiscovery.Http.Hosting;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Functions.Tests.Hosting;

/// <summary>
/// The layers as built (DESIGN.md section 2): each project's compiled references, read from its assembly, name only what
/// its layer may use. A reference appears only when code in the project uses the assembly, so a stray type fails here.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string[] StorageSdks = ["Azure.Data.Tables", "Azure.Storage.Queues", "Azure.Storage.Common"];

    public static TheoryData<string, string[]> Forbidden => new()
    {
        // The domain: types and ports, no SDK of any cloud or host.
        { "ServerlessDiscovery.Domain", ["Azure.", "Microsoft.AspNetCore.", "Microsoft.Azure.Functions.", "ServerlessDiscovery.Storage", "ServerlessDiscovery.Engine"] },
        // The core: no host, no HTTP framework, no storage or Event Grid SDK, no adapter project.
        { "ServerlessDiscovery.Engine", [.. StorageSdks, "Azure.Messaging.EventGrid", "Azure.Identity", "Microsoft.AspNetCore.", "Microsoft.Azure.Functions.", "ServerlessDiscovery.Storage", "ServerlessDiscovery.EventGrid", "ServerlessDiscovery.Http"] },
        // The HTTP surface: ASP.NET Core over the core, knowing no Functions and no storage.
        { "ServerlessDiscovery.Http", [.. StorageSdks, "Azure.Messaging.EventGrid", "Microsoft.Azure.Functions.", "ServerlessDiscovery.Storage", "ServerlessDiscovery.EventGrid"] },
        // The adapters know the domain (and the core's sink port), never each other or a host.
        { "ServerlessDiscovery.Storage", ["Azure.Messaging.EventGrid", "Microsoft.AspNetCore.", "Microsoft.Azure.Functions.", "ServerlessDiscovery.Engine", "ServerlessDiscovery.Http"] },
        { "ServerlessDiscovery.EventGrid", [.. StorageSdks, "Microsoft.AspNetCore.", "Microsoft.Azure.Functions.", "ServerlessDiscovery.Storage", "ServerlessDiscovery.Http"] },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void Project_ReferencesNothingOutsideItsLayer(string project, string[] forbidden)
    {
        Assembly assembly = Load(project);

        string[] references = [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];
        string[] offending = [.. references.Where(r => forbidden.Any(f => f.EndsWith('.') ? r.StartsWith(f, StringComparison.Ordinal) : r == f))];

        Assert.True(offending.Length == 0, $"{project} references {string.Join(", ", offending)}, outside its layer.");
    }

    [Fact]
    public void EachSdk_IsReferencedByItsAdapterOnly()
    {
        Assert.Contains("Azure.Data.Tables", Load("ServerlessDiscovery.Storage").GetReferencedAssemblies().Select(a => a.Name));
        Assert.Contains("Azure.Messaging.EventGrid", Load("ServerlessDiscovery.EventGrid").GetReferencedAssemblies().Select(a => a.Name));
    }

    private static Assembly Load(string project) => project switch
    {
        "ServerlessDiscovery.Domain" => typeof(IInventoryStore).Assembly,
        "ServerlessDiscovery.Engine" => typeof(EngineServiceCollectionExtensions).Assembly,
        "ServerlessDiscovery.Http" => typeof(HttpSurface).Assembly,
        "ServerlessDiscovery.Storage" => typeof(StorageServiceCollectionExtensions).Assembly,
        "ServerlessDiscovery.EventGrid" => typeof(EventGridServiceCollectionExtensions).Assembly,
        _ => throw new ArgumentOutOfRangeException(nameof(project), project, "Not a layer this test knows."),
    };
}
