using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Google.VertexAi;

namespace ServerlessDiscovery.Plugins.Google;

/// <summary>Google Cloud Vertex AI: models, endpoints and the models they serve, publisher models in use, tuning jobs, and the agent estate.</summary>
public sealed class GoogleVertexAiPluginType : IPluginType
{
    public PluginMetadata Metadata { get; } = new(
        TypeId: "gcp.vertex_ai",
        Name: "Google Cloud Vertex AI",
        Description: "Vertex AI models, endpoints with the models they serve (including publisher models such as Gemini), tuning jobs, Agent Engine agents, RAG corpora and Vector Search indexes, per project and location.",
        Version: "1.0.0",
        AssetTypes: [AssetTypes.Model, AssetTypes.Endpoint, AssetTypes.GenerativeModel, AssetTypes.Agent, AssetTypes.DownstreamSystem],
        ConfigFields: VertexAiSettings.Fields,
        EnvironmentVariables: ["GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT"])
    {
        TypeAliases = ["google_cloud"],
        ConfigAliases =
        [
            new ConfigAlias("project_id", VertexAiSettings.Projects, "OpenCITE's single project; a comma-separated list names several."),
            new ConfigAlias("location", VertexAiSettings.Locations, "OpenCITE's single location; a comma-separated list names several."),
        ],
    };

    public IEnumerable<ConfigError> Validate(PluginConfiguration configuration) => VertexAiSettings.Validate(configuration);

    public IPlugin Create(PluginConfiguration configuration, PluginContext context) => new VertexAiPlugin(VertexAiSettings.From(configuration), context);
}
