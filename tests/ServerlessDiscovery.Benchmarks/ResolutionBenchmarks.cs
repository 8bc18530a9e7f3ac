using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// What resolution to declared assets adds to protobuf ingest: the <see cref="OtlpIngestBenchmarks"/> batch decoded and
/// extracted, then every asset it names resolved against a tenant index of <see cref="DeclaredAssets"/> declared assets
/// of every rule's kind. The pipeline resolves once per distinct asset per flush; resolving per request, as here, is
/// the upper bound. Spans/s = 1e9 / Mean(ns). IndexBuild measures rebuilding the index (once per
/// Discovery__ResolutionIndexTtl per tenant), per declared asset.
/// </summary>
[MemoryDiagnoser]
public class ResolutionBenchmarks
{
    public const int DeclaredAssets = 10_000;

    private byte[] _protobuf = [];
    private TraceAssetExtractor _extractor = null!;
    private DeclaredIndex _index = null!;
    private DeclaredAsset[] _declared = [];
    private ulong _round;

    [GlobalSetup]
    public void Setup()
    {
        _protobuf = OtlpIngestBenchmarks.Build().ToByteArray();
        _extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));
        _declared = [.. Declared()];
        _index = new DeclaredIndex(_declared);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OtlpIngestBenchmarks.SpansPerBatch)]
    public int Protobuf() => Extract().Assets.Count;

    [Benchmark(OperationsPerInvoke = OtlpIngestBenchmarks.SpansPerBatch)]
    public int ProtobufWithResolution()
    {
        TraceExtraction extraction = Extract();
        int resolved = 0;
        foreach (DiscoveredAsset asset in extraction.Assets)
        {
            if (_index.Resolve(new TraceIdentity(asset.Type, asset.Id, asset.Name, asset.Attributes)).Target is not null)
            {
                resolved++;
            }
        }

        return resolved;
    }

    [Benchmark(OperationsPerInvoke = DeclaredAssets)]
    public int IndexBuild() => new DeclaredIndex(_declared).Count;

    private TraceExtraction Extract() => _extractor.Extract($"t{_round++ % 64}", OtlpDecoder.DecodeTraces(_protobuf, OtlpEncoding.Protobuf).Spans);

    /// <summary>A mixed estate: Azure deployments, Bedrock profiles, SageMaker and Databricks endpoints, LiteLLM aliases, MCP servers and tools, agents.</summary>
    private static IEnumerable<DeclaredAsset> Declared()
    {
        for (int i = 0; i < DeclaredAssets / 10; i++)
        {
            string account = $"/subscriptions/s/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/acct{i}";
            yield return new("azure", "azure.ai_foundry", AssetTypes.Endpoint, account, $"acct{i}", new JsonObject { ["custom_subdomain"] = $"acct{i}" });
            yield return new("azure", "azure.ai_foundry", AssetTypes.Deployment, account + "/deployments/gpt-4o", "gpt-4o", new JsonObject { ["account_id"] = account });
            yield return new("aws", "aws.bedrock", AssetTypes.Endpoint, $"arn:aws:bedrock:us-east-1:1:application-inference-profile/p{i}", $"p{i}", []);
            yield return new("sm", "aws.sagemaker", AssetTypes.Endpoint, $"arn:aws:sagemaker:eu-west-1:1:endpoint/e{i}", $"e{i}", []);
            yield return new("dbx", "databricks", AssetTypes.Endpoint, $"dbc-{i}.cloud.databricks.com/serving-endpoints/chat", "chat", []);
            yield return new("llm", "litellm", AssetTypes.Deployment, $"proxy{i}:4000/model/m", $"alias{i}", new JsonObject { ["proxy"] = $"proxy{i}:4000", ["alias"] = $"alias{i}" });
            yield return new("mcp", "mcp", AssetTypes.McpServer, $"http://mcp{i}.internal:8080/mcp", $"mcp{i}", new JsonObject { ["server_name"] = $"mcp{i}" });
            yield return new("mcp", "mcp", AssetTypes.McpTool, $"http://mcp{i}.internal:8080/mcp#tool:t", "t", new JsonObject { ["server_id"] = $"http://mcp{i}.internal:8080/mcp", ["tool_name"] = "t" });
            yield return new("aws", "aws.bedrock", AssetTypes.Agent, $"arn:aws:bedrock:us-east-1:1:agent/asst_{i}", $"agent{i}", []);
            yield return new("gcp", "gcp.vertex_ai", AssetTypes.Endpoint, $"//aiplatform.googleapis.com/projects/p/locations/us-central1/endpoints/{i}", $"ep{i}", []);
        }
    }
}
