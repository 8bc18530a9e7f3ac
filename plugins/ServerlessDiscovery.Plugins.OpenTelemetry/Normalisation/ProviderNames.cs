namespace ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

/// <summary>
/// Provider names as the current GenAI conventions spell them (gen_ai.provider.name). Older gen_ai.system values and
/// OpenLLMetry/OpenInference spellings map onto them so one provider is one id across convention generations.
/// </summary>
public static class ProviderNames
{
    public const string Unknown = "unknown";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["az.ai.openai"] = "azure.ai.openai",
        ["azure_openai"] = "azure.ai.openai",
        ["azure-openai"] = "azure.ai.openai",
        ["azureopenai"] = "azure.ai.openai",
        ["az.ai.inference"] = "azure.ai.inference",
        ["vertex_ai"] = "gcp.vertex_ai",
        ["vertexai"] = "gcp.vertex_ai",
        ["gemini"] = "gcp.gemini",
        ["google"] = "gcp.gen_ai",
        ["bedrock"] = "aws.bedrock",
        ["aws_bedrock"] = "aws.bedrock",
        ["mistralai"] = "mistral_ai",
        ["mistral"] = "mistral_ai",
        ["watsonx"] = "ibm.watsonx.ai",
    };

    /// <summary>The canonical provider for a declared name, else one inferred from the server address, else <see cref="Unknown"/>.</summary>
    public static string Canonical(string? declared, string? serverAddress)
    {
        if (declared is not null)
        {
            string name = AssetIds.Normalise(declared);
            return Aliases.GetValueOrDefault(name, name);
        }

        return serverAddress?.ToLowerInvariant() switch
        {
            "api.openai.com" => "openai",
            "api.anthropic.com" => "anthropic",
            "generativelanguage.googleapis.com" => "gcp.gemini",
            { } host when host.EndsWith(".openai.azure.com", StringComparison.Ordinal) => "azure.ai.openai",
            { } host when host.EndsWith("-aiplatform.googleapis.com", StringComparison.Ordinal) => "gcp.vertex_ai",
            { } host when host.StartsWith("bedrock-runtime.", StringComparison.Ordinal) => "aws.bedrock",
            _ => Unknown,
        };
    }
}
