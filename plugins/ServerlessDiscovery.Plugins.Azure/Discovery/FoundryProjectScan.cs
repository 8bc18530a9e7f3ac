using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Azure.Arm;
using ServerlessDiscovery.Plugins.Http;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Azure.Discovery;

/// <summary>
/// The agent estate of one Foundry project, from ARM: its connections (AI Search, MCP and other tools), the capability
/// host that says which connections the Agent Service uses, and its agent applications with their agent deployments.
/// </summary>
internal sealed class FoundryProjectScan(ArmClient arm, IDiscoverySink sink, ArmResource project, string scope)
{
    private string ProjectPath => project.Id.TrimStart('/');

    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, string> connections = await ScanConnectionsAsync(cancellationToken).ConfigureAwait(false);
        await ScanCapabilityHostsAsync(connections, cancellationToken).ConfigureAwait(false);
        await ScanApplicationsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ProjectConnections_List (GET {project}/connections, 2025-06-01). Credentials are never read; a target's query string is dropped.</summary>
    private async Task<Dictionary<string, string>> ScanConnectionsAsync(CancellationToken cancellationToken)
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        await foreach (JsonElement item in arm.ListAsync("ListProjectConnections", $"{ProjectPath}/connections?api-version={ArmClient.CognitiveServicesApiVersion}", cancellationToken).ConfigureAwait(false))
        {
            ArmResource connection = ArmResource.Parse("ListProjectConnections", item);
            string id = ConnectionId(connection.Name);
            JsonObject attributes = connection.BaseAttributes();
            attributes["project_id"] = project.AssetId;
            attributes["kind"] = "foundry_connection";
            attributes["category"] = Text(connection.Properties, "category");
            attributes["target"] = StoredUrls.WithoutQuery(Text(connection.Properties, "target"));
            attributes["auth_type"] = Text(connection.Properties, "authType");
            attributes["is_shared_to_all"] = Node(connection.Properties, "isSharedToAll");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.DownstreamSystem, id, connection.Name, scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, project.AssetId, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, id, scope), cancellationToken).ConfigureAwait(false);
            byName[connection.Name] = id;
        }

        return byName;
    }

    /// <summary>
    /// ProjectCapabilityHosts_List (GET {project}/capabilityHosts, 2025-06-01): the Agent Service of the project keeps
    /// vectors, files and threads in the named connections, so the project uses the vector stores as knowledge bases.
    /// </summary>
    private async Task ScanCapabilityHostsAsync(Dictionary<string, string> connections, CancellationToken cancellationToken)
    {
        var edges = new List<string>();
        await foreach (JsonElement item in arm.ListAsync("ListProjectCapabilityHosts", $"{ProjectPath}/capabilityHosts?api-version={ArmClient.CognitiveServicesApiVersion}", cancellationToken).ConfigureAwait(false))
        {
            ArmResource host = ArmResource.Parse("ListProjectCapabilityHosts", item);
            foreach (JsonElement name in Array(host.Properties, "vectorStoreConnections"))
            {
                if (name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } connection)
                {
                    edges.Add(ConnectionTarget(connections, connection));
                }
            }
        }

        foreach (string target in edges.Distinct())
        {
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, project.AssetId, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, target, scope), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// AgentApplications_List (GET {project}/applications) and AgentDeployments_List (GET {application}/agentDeployments),
    /// api-version 2025-10-01-preview, the first that defines them. A region or subscription that does not offer the
    /// preview answers NoRegisteredProviderFound / InvalidResourceType / 404: the project simply has no applications.
    /// </summary>
    private async Task ScanApplicationsAsync(CancellationToken cancellationToken)
    {
        var applications = new List<ArmResource>();
        try
        {
            await foreach (JsonElement item in arm.ListAsync("ListAgentApplications", $"{ProjectPath}/applications?api-version={ArmClient.AgentApplicationsApiVersion}", cancellationToken).ConfigureAwait(false))
            {
                applications.Add(ArmResource.Parse("ListAgentApplications", item));
            }
        }
        catch (ProviderException ex) when (AzureAiFoundryPlugin.IsUnavailable(ex) || ex.Status == 404)
        {
            return;
        }

        foreach (ArmResource application in applications)
        {
            JsonObject attributes = application.BaseAttributes();
            attributes["project_id"] = project.AssetId;
            attributes["kind"] = "foundry_agent_application";
            attributes["display_name"] = Text(application.Properties, "displayName");
            attributes["description"] = Text(application.Properties, "description");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, application.AssetId, Text(application.Properties, "displayName") ?? application.Name, scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, project.AssetId, Relationships.Contains, AssetTypes.Agent, application.AssetId, scope), cancellationToken).ConfigureAwait(false);

            await foreach (JsonElement item in arm.ListAsync("ListAgentDeployments", $"{application.Id.TrimStart('/')}/agentDeployments?api-version={ArmClient.AgentApplicationsApiVersion}", cancellationToken).ConfigureAwait(false))
            {
                ArmResource deployment = ArmResource.Parse("ListAgentDeployments", item);
                JsonObject deploymentAttributes = deployment.BaseAttributes();
                deploymentAttributes["application_id"] = application.AssetId;
                deploymentAttributes["kind"] = "foundry_agent_deployment";
                deploymentAttributes["display_name"] = Text(deployment.Properties, "displayName");
                deploymentAttributes["deployment_type"] = Text(deployment.Properties, "deploymentType");
                deploymentAttributes["state"] = Text(deployment.Properties, "state");
                deploymentAttributes["protocols"] = Node(deployment.Properties, "protocols");
                deploymentAttributes["agents"] = Node(deployment.Properties, "agents");
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Deployment, deployment.AssetId, deployment.Name, scope) { Attributes = deploymentAttributes }, cancellationToken).ConfigureAwait(false);
                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Agent, application.AssetId, Relationships.Contains, AssetTypes.Deployment, deployment.AssetId, scope), cancellationToken).ConfigureAwait(false);
                foreach (JsonElement agent in Array(deployment.Properties, "agents"))
                {
                    if (Text(agent, "agentName") is { Length: > 0 } agentName)
                    {
                        string agentId = $"{project.AssetId}/agents/{agentName.ToLowerInvariant()}";
                        await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, agentId, agentName, scope)
                        {
                            Attributes = new JsonObject { ["project_id"] = project.AssetId, ["kind"] = "foundry_agent", ["agent_id"] = Text(agent, "agentId") },
                        }, cancellationToken).ConfigureAwait(false);
                        await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Deployment, deployment.AssetId, Relationships.Serves, AssetTypes.Agent, agentId, scope), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private string ConnectionId(string name) => $"{project.AssetId}/connections/{name.ToLowerInvariant()}";

    private string ConnectionTarget(Dictionary<string, string> connections, string name) =>
        connections.TryGetValue(name, out string? id) ? id : ConnectionId(name);
}
