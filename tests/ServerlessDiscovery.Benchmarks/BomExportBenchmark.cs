using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.Bom;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Storage.Bom;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// CycloneDX export of an N-asset estate (default 10,000: agents, models, deployments, endpoints, MCP servers and tools,
/// knowledge bases, with their lineage) written through the inventory writer into a real Azurite, then exported: whole
/// tenant (first, unchanged, 1.6) and one agent. Wall time includes Azurite's own work on the same machine.
/// </summary>
internal static class BomExportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        TableStore store = BenchStorage.Create("bom", "scripts/bench-bom.sh");
        (List<DiscoveredAsset> assets, List<DiscoveredEdge> edges) = Estate(count);
        var inventory = new ServerlessDiscovery.Storage.Inventory.TableInventoryStore(store);
        var writer = new InventoryWriter(inventory, TimeProvider.System, Options.Create(new DiscoveryOptions()));
        await writer.ApplyAsync(
            new ScanIdentity("bench", "inst", ScanRun.NewRunId(DateTimeOffset.UtcNow), Force: false), assets, edges,
            new Dictionary<string, string?> { ["bench:scope"] = null }, CancellationToken.None);
        Console.WriteLine($"CycloneDX export, {assets.Count} assets and {edges.Count} edges in Azurite at {store.Service.Uri}");
        Console.WriteLine($"{"export",-26} {"elements",9} {"bytes",11} {"prepare ms",11} {"write ms",9} {"alloc MB",9} {"version",8}");

        var exporter = new BomExporter(inventory, new TableBomVersionStore(store), TimeProvider.System);
        await ExportAsync("tenant, 1.7 (first)", exporter, BomScope.ForTenant("bench"), BomSpecVersion.V1_7);
        await ExportAsync("tenant, 1.7 (unchanged)", exporter, BomScope.ForTenant("bench"), BomSpecVersion.V1_7);
        await ExportAsync("tenant, 1.6", exporter, BomScope.ForTenant("bench"), BomSpecVersion.V1_6);
        await ExportAsync("instance, 1.7", exporter, BomScope.ForInstance("bench", "inst"), BomSpecVersion.V1_7);
        await ExportAsync("one agent, 1.7", exporter, BomScope.ForAgent("bench", AgentId(0)), BomSpecVersion.V1_7);
        Console.WriteLine($"process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
        return 0;
    }

    private static async Task ExportAsync(string label, BomExporter exporter, BomScope scope, BomSpecVersion spec)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        BomExport export = await exporter.PrepareAsync(scope, spec) ?? throw new InvalidOperationException($"No BOM for {scope.Key}.");
        long prepared = clock.ElapsedMilliseconds;
        using var sink = new CountingStream();
        await export.WriteAsync(sink);
        long written = clock.ElapsedMilliseconds - prepared;
        double mb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024.0 * 1024.0);
        Console.WriteLine($"{label,-26} {export.Elements,9} {sink.Length,11} {prepared,11} {written,9} {mb,9:F1} {export.Document.Version,8}");
    }

    /// <summary>1 % agents, 20 % models, 20 % deployments, 10 % endpoints, 1 % MCP servers, 40 % MCP tools, 8 % knowledge bases.</summary>
    private static (List<DiscoveredAsset>, List<DiscoveredEdge>) Estate(int count)
    {
        int agents = Math.Max(1, count / 100), models = count / 5, deployments = count / 5, endpoints = count / 10, servers = Math.Max(1, count / 100);
        int knowledge = count * 8 / 100;
        int tools = count - agents - models - deployments - endpoints - servers - knowledge;
        var assets = new List<DiscoveredAsset>(count);
        var edges = new List<DiscoveredEdge>();
        for (int i = 0; i < models; i++)
        {
            assets.Add(Asset(AssetTypes.GenerativeModel, ModelId(i), $"model-{i}", new JsonObject
            {
                ["kind"] = "foundation_model", ["providerName"] = "Anthropic", ["inputModalities"] = new JsonArray("TEXT", "IMAGE"), ["outputModalities"] = new JsonArray("TEXT"),
            }));
        }

        for (int i = 0; i < endpoints; i++)
        {
            assets.Add(Asset(AssetTypes.Endpoint, EndpointId(i), $"account-{i}", new JsonObject { ["url"] = $"https://account-{i}.openai.azure.com/" }));
        }

        for (int i = 0; i < deployments; i++)
        {
            assets.Add(Asset(AssetTypes.Deployment, DeploymentId(i), $"deployment-{i}", new JsonObject { ["model_name"] = "gpt-4o", ["model_version"] = "2024-11-20" }));
            edges.Add(Edge(AssetTypes.Endpoint, EndpointId(i % endpoints), Relationships.Contains, AssetTypes.Deployment, DeploymentId(i)));
            edges.Add(Edge(AssetTypes.Deployment, DeploymentId(i), Relationships.Serves, AssetTypes.GenerativeModel, ModelId(i % models)));
        }

        for (int i = 0; i < servers; i++)
        {
            assets.Add(Asset(AssetTypes.McpServer, ServerId(i), $"server-{i}", new JsonObject { ["url"] = ServerId(i), ["version"] = "1.0.0" }));
        }

        for (int i = 0; i < tools; i++)
        {
            assets.Add(Asset(AssetTypes.McpTool, ToolId(i), $"tool-{i}", new JsonObject { ["description"] = "Looks something up in a system of record." }));
            edges.Add(Edge(AssetTypes.McpServer, ServerId(i % servers), Relationships.Contains, AssetTypes.McpTool, ToolId(i)));
        }

        for (int i = 0; i < knowledge; i++)
        {
            assets.Add(Asset(AssetTypes.DownstreamSystem, KnowledgeId(i), $"index-{i}", new JsonObject { ["kind"] = "knowledge_base" }));
        }

        for (int i = 0; i < agents; i++)
        {
            assets.Add(Asset(AssetTypes.Agent, AgentId(i), $"agent-{i}", new JsonObject { ["kind"] = "foundry_agent_service", ["description"] = "Answers questions." }));
            for (int k = 0; k < 5; k++)
            {
                edges.Add(Edge(AssetTypes.Agent, AgentId(i), Relationships.UsesModel, AssetTypes.Deployment, DeploymentId(((i * 5) + k) % deployments)));
            }

            for (int k = 0; k < 10; k++)
            {
                edges.Add(Edge(AssetTypes.Agent, AgentId(i), Relationships.UsesTool, AssetTypes.McpTool, ToolId(((i * 10) + k) % tools)));
            }

            edges.Add(Edge(AssetTypes.Agent, AgentId(i), Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, KnowledgeId(i % knowledge)));
        }

        return (assets, edges);
    }

    private static string AgentId(int i) => $"/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/projects/p/assistants/asst_{i:D6}";

    private static string ModelId(int i) => $"arn:aws:bedrock:us-east-1::foundation-model/vendor.model-{i:D6}-v1:0";

    private static string EndpointId(int i) => $"/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/account-{i:D6}";

    private static string DeploymentId(int i) => $"{EndpointId(i % 1000)}/deployments/deployment-{i:D6}";

    private static string ServerId(int i) => $"https://mcp-{i:D4}.example.com/mcp";

    private static string ToolId(int i) => $"https://mcp-{i:D4}.example.com/mcp/tools/tool-{i:D6}";

    private static string KnowledgeId(int i) => $"https://search-{i:D4}.search.windows.net/indexes/docs";

    private static DiscoveredAsset Asset(string type, string id, string name, JsonObject attributes) => new(type, id, name, "bench:scope") { Attributes = attributes };

    private static DiscoveredEdge Edge(string sourceType, string sourceId, string relationship, string targetType, string targetId) =>
        new(sourceType, sourceId, relationship, targetType, targetId, "bench:scope");

    /// <summary>Counts what is written and keeps nothing.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
