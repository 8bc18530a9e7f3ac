using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Http;
using ServerlessDiscovery.Plugins.Aws.Scanning;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.AgentCore;

/// <summary>
/// Amazon Bedrock AgentCore's control plane (botocore bedrock-agentcore-control 2023-06-05, REST-JSON, signing name
/// bedrock-agentcore): agent runtimes and their endpoints, gateways (MCP servers) and their targets (tools), memories,
/// and harnesses with the model, memory and gateways each uses.
/// </summary>
internal sealed class AgentCoreDiscovery(AwsApiClient api, AwsService service) : IAwsServiceDiscovery
{
    public const string EndpointField = "agentcore_endpoint";
    public const string DefaultEndpoint = "https://bedrock-agentcore-control.{region}.amazonaws.com";

    public AwsService Service => service;

    public static AwsService CreateService(string endpointTemplate) => new("bedrock-agentcore", "bedrock-agentcore", endpointTemplate);

    public async Task VerifyAsync(string region, CancellationToken cancellationToken)
    {
        using JsonDocument _ = await OfferedAsync(() => api.CallRestAsync(service, region, "ListAgentRuntimes", HttpMethod.Post, "runtimes/?maxResults=1", new JsonObject(), cancellationToken), region);
    }

    public async Task DiscoverAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        var runtimes = new List<(string Id, string Arn)>();
        await ListAsync(scan, "ListAgentRuntimes", HttpMethod.Post, "runtimes/", "agentRuntimes", async runtime =>
        {
            string arn = AwsJson.RequiredString(runtime, "agentRuntimeArn", "ListAgentRuntimes");
            string id = AwsJson.RequiredString(runtime, "agentRuntimeId", "ListAgentRuntimes");
            runtimes.Add((id, arn));
            JsonObject attributes = AwsJson.Attributes(runtime, "agentRuntimeId", "agentRuntimeVersion", "status", "description");
            await AddAsync(scan, AssetTypes.Agent, arn, AwsJson.String(runtime, "agentRuntimeName") ?? id, attributes, "agent_runtime", cancellationToken);
        }, cancellationToken, firstCall: true);

        foreach ((string runtimeId, string runtimeArn) in runtimes)
        {
            await scan.ReadItemAsync($"agent runtime {runtimeId}", () => ListAsync(scan, "ListAgentRuntimeEndpoints", HttpMethod.Post, $"runtimes/{Uri.EscapeDataString(runtimeId)}/runtime-endpoints/", "runtimeEndpoints", async endpoint =>
            {
                string arn = AwsJson.RequiredString(endpoint, "agentRuntimeEndpointArn", "ListAgentRuntimeEndpoints");
                JsonObject attributes = AwsJson.Attributes(endpoint, "id", "liveVersion", "targetVersion", "status", "description");
                await AddAsync(scan, AssetTypes.Endpoint, arn, AwsJson.String(endpoint, "name") ?? arn, attributes, "agent_runtime_endpoint", cancellationToken);
                await scan.LinkAsync(AssetTypes.Endpoint, arn, Relationships.Serves, AssetTypes.Agent, AwsJson.String(endpoint, "agentRuntimeArn") ?? runtimeArn, cancellationToken);
            }, cancellationToken));
        }

        var gateways = new List<(string Id, string Arn)>();
        await ListAsync(scan, "ListGateways", HttpMethod.Get, "gateways/", "items", async gateway =>
        {
            string id = AwsJson.RequiredString(gateway, "gatewayId", "ListGateways");
            // The summary carries no ARN; this is the gateway's ARN as AgentCore forms it.
            string arn = $"arn:{scan.Partition}:bedrock-agentcore:{scan.Region}:{scan.Account}:gateway/{id}";
            gateways.Add((id, arn));
            JsonObject attributes = AwsJson.Attributes(gateway, "gatewayId", "status", "description", "authorizerType", "protocolType");
            await AddAsync(scan, AssetTypes.McpServer, arn, AwsJson.String(gateway, "name") ?? id, attributes, "agentcore_gateway", cancellationToken);
        }, cancellationToken);

        foreach ((string gatewayId, string gatewayArn) in gateways)
        {
            await scan.ReadItemAsync($"gateway {gatewayId}", () => ListAsync(scan, "ListGatewayTargets", HttpMethod.Get, $"gateways/{Uri.EscapeDataString(gatewayId)}/targets/", "items", async target =>
            {
                string targetId = AwsJson.RequiredString(target, "targetId", "ListGatewayTargets");
                string id = $"{gatewayArn}/target/{targetId}";
                JsonObject attributes = AwsJson.Attributes(target, "targetId", "status", "description", "targetType", "listingMode");
                attributes["gateway_id"] = gatewayId;
                await AddAsync(scan, AssetTypes.Tool, id, AwsJson.String(target, "name") ?? targetId, attributes, "gateway_target", cancellationToken);
                await scan.LinkAsync(AssetTypes.McpServer, gatewayArn, Relationships.Contains, AssetTypes.Tool, id, cancellationToken);
            }, cancellationToken));
        }

        await ListAsync(scan, "ListMemories", HttpMethod.Post, "memories/", "memories", async memory =>
        {
            string id = AwsJson.RequiredString(memory, "id", "ListMemories");
            string arn = AwsJson.String(memory, "arn") ?? $"arn:{scan.Partition}:bedrock-agentcore:{scan.Region}:{scan.Account}:memory/{id}";
            JsonObject attributes = AwsJson.Attributes(memory, "id", "status", "managedByResourceArn");
            await AddAsync(scan, AssetTypes.DownstreamSystem, arn, id, attributes, "agentcore_memory", cancellationToken);
        }, cancellationToken, bodyPaging: true);

        var harnesses = new List<string>();
        await ListAsync(scan, "ListHarnesses", HttpMethod.Get, "harnesses", "harnesses", harness =>
        {
            harnesses.Add(AwsJson.RequiredString(harness, "harnessId", "ListHarnesses"));
            return Task.CompletedTask;
        }, cancellationToken);

        foreach (string harnessId in harnesses)
        {
            await scan.ReadItemAsync($"harness {harnessId}", () => HarnessAsync(scan, harnessId, cancellationToken));
        }
    }

    /// <summary>
    /// GetHarness: the one AgentCore resource that names what an agent uses. Agent runtimes (GetAgentRuntime) name only
    /// their container, role and protocol, not a model, memory or gateway, so they get no such edges.
    /// </summary>
    private async Task HarnessAsync(AwsScan scan, string harnessId, CancellationToken cancellationToken)
    {
        using JsonDocument detail = await api.CallRestAsync(service, scan.Region, "GetHarness", HttpMethod.Get, $"harnesses/{Uri.EscapeDataString(harnessId)}", null, cancellationToken);
        JsonElement harness = AwsJson.Object(detail.RootElement, "harness") ?? throw new ProviderException("GetHarness returned no 'harness'.");
        string arn = AwsJson.RequiredString(harness, "arn", "GetHarness");
        JsonObject attributes = AwsJson.Attributes(harness, "harnessId", "harnessVersion", "status", "executionRoleArn", "maxIterations", "maxTokens", "timeoutSeconds");
        JsonElement[] tools = [.. AwsJson.Items(harness, "tools", "GetHarness")];
        attributes["tool_types"] = new JsonArray([.. tools.Select(t => AwsJson.String(t, "type")).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(t => (JsonNode?)JsonValue.Create(t))]);
        await AddAsync(scan, AssetTypes.Agent, arn, AwsJson.String(harness, "harnessName") ?? harnessId, attributes, "agentcore_harness", cancellationToken);

        if (AwsJson.Object(harness, "model") is { } model && HarnessModel(scan, model) is { } target)
        {
            await scan.LinkAsync(AssetTypes.Agent, arn, Relationships.UsesModel, target.Type, target.Id, cancellationToken);
        }

        if (AwsJson.Object(harness, "memory") is { } memory
            && (AwsJson.String(AwsJson.Object(memory, "agentCoreMemoryConfiguration"), "arn") ?? AwsJson.String(AwsJson.Object(memory, "managedMemoryConfiguration"), "arn")) is { Length: > 0 } memoryArn)
        {
            await scan.LinkAsync(AssetTypes.Agent, arn, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, memoryArn, cancellationToken);
        }

        foreach (JsonElement tool in tools)
        {
            if (AwsJson.Object(tool, "config") is { } config && AwsJson.Object(config, "agentCoreGateway") is { } gateway
                && AwsJson.String(gateway, "gatewayArn") is { Length: > 0 } gatewayArn)
            {
                await scan.LinkAsync(AssetTypes.Agent, arn, Relationships.UsesTool, AssetTypes.McpServer, gatewayArn, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A Bedrock model id becomes the ARN Bedrock's listings report; OpenAI, Gemini and LiteLLM model ids become the
    /// "{provider}/{model}" identity the LiteLLM and trace plugins use (a LiteLLM id already reads "anthropic/claude-…").
    /// </summary>
    private static (string Type, string Id)? HarnessModel(AwsScan scan, JsonElement model)
    {
        if (AwsJson.String(AwsJson.Object(model, "bedrockModelConfig"), "modelId") is { Length: > 0 } bedrock)
        {
            return Bedrock.BedrockAgentDiscovery.ModelTarget(scan, bedrock);
        }

        string? other = AwsJson.String(AwsJson.Object(model, "openAiModelConfig"), "modelId") is { Length: > 0 } openAi ? $"openai/{openAi}"
            : AwsJson.String(AwsJson.Object(model, "geminiModelConfig"), "modelId") is { Length: > 0 } gemini ? $"gemini/{gemini}"
            : AwsJson.String(AwsJson.Object(model, "liteLlmModelConfig"), "modelId");
        return other is { Length: > 0 } ? (AssetTypes.Model, other.ToLowerInvariant()) : null;
    }

    /// <summary>
    /// Pages through a listing. ListAgentRuntimes, ListAgentRuntimeEndpoints, ListGateways, ListGatewayTargets and ListHarnesses page with
    /// maxResults/nextToken in the query string; ListMemories in the JSON body.
    /// </summary>
    private Task ListAsync(AwsScan scan, string operation, HttpMethod method, string path, string itemsName, Func<JsonElement, Task> onItem, CancellationToken cancellationToken, bool firstCall = false, bool bodyPaging = false) =>
        AwsJson.ForEachPageAsync(operation, "nextToken", token =>
        {
            if (bodyPaging)
            {
                var body = new JsonObject { ["maxResults"] = 100 };
                if (token is not null)
                {
                    body["nextToken"] = token;
                }

                return api.CallRestAsync(service, scan.Region, operation, method, path, body, cancellationToken);
            }

            string query = token is null ? "?maxResults=100" : $"?maxResults=100&nextToken={Uri.EscapeDataString(token)}";
            Task<JsonDocument> call = api.CallRestAsync(service, scan.Region, operation, method, path + query, method == HttpMethod.Post ? new JsonObject() : null, cancellationToken);
            return firstCall && token is null ? OfferedAsync(() => call, scan.Region) : call;
        }, async page =>
        {
            foreach (JsonElement item in AwsJson.Items(page, itemsName, operation))
            {
                await onItem(item);
            }
        });

    /// <summary>AgentCore is not offered in every region: there its endpoint's name does not resolve. That is "not available here".</summary>
    private static async Task<JsonDocument> OfferedAsync(Func<Task<JsonDocument>> call, string region)
    {
        try
        {
            return await call();
        }
        catch (ProviderException ex) when (ex.Status is null && ex.InnerException is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } })
        {
            throw new ScopeUnavailableException($"Bedrock AgentCore is not offered in {region} (its control-plane endpoint does not resolve).", ex);
        }
    }

    private static ValueTask AddAsync(AwsScan scan, string type, string arn, string name, JsonObject attributes, string kind, CancellationToken cancellationToken)
    {
        attributes["region"] = scan.Region;
        attributes["kind"] = kind;
        return scan.AddAsync(type, arn, name, attributes, cancellationToken);
    }
}
