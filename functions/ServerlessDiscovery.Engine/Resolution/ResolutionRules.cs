using System.Text;
using ServerlessDiscovery.Plugins;
using static ServerlessDiscovery.Engine.Resolution.ResolutionText;

namespace ServerlessDiscovery.Engine.Resolution;

/// <summary>
/// The resolution rules, one row per provider and identity kind, in the order they are tried. The README's rule table
/// is <see cref="MarkdownTable"/> of this list (a test keeps the two equal). Trace attributes read here
/// (server_address, endpoint_name, url, model, agent_id, server) are set by the opentelemetry plugin's normalisation.
/// </summary>
public static class ResolutionRules
{
    private const string ServerAddress = "server_address";
    private static readonly string[] AzureHosts = [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"];

    public static IReadOnlyList<ResolutionRule> All { get; } =
    [
        new(
            "azure-openai", "Azure OpenAI / AI Foundry", AssetTypes.Model,
            "`server.address` `{account}.openai.azure.com`, `.cognitiveservices.azure.com` or `.services.ai.azure.com`; `gen_ai.request.model` = deployment name (the response model, the underlying model, is kept as `response_model`)",
            "deployment name under the account whose custom subdomain (or endpoint host) is `{account}`",
            ["azure.ai_foundry"], [AssetTypes.Deployment],
            t => AzureAccount(t.Text(ServerAddress)) is { } account && t.Text("model") is { } model ? [$"{account}|{model}"] : [],
            (d, find) => find(AssetTypes.Endpoint, d.Attributes["account_id"]?.ToString() ?? string.Empty) is { } account
                && (account.Text("custom_subdomain") ?? AzureAccount(AddressOfUrl(account.Text("endpoint")))) is { } name
                ? [$"{name}|{d.Name.ToLowerInvariant()}"] : []),
        new(
            "bedrock", "Amazon Bedrock", AssetTypes.Model,
            "`server.address` `bedrock-runtime.{region}.amazonaws.com`; `gen_ai.request.model` = model id, inference profile id, or an ARN",
            "the ARN (`foundation-model/`, `inference-profile/`, `application-inference-profile/`, `custom-model/`, `provisioned-model/`), or its region and id",
            ["aws.bedrock"], [AssetTypes.GenerativeModel, AssetTypes.Endpoint],
            t => t.Text("model") is not { } model ? []
                : model.StartsWith("arn:", StringComparison.Ordinal) ? [$"arn|{model}"]
                : AwsRegion(t.Text(ServerAddress), "bedrock-runtime.") is { } region ? [$"{region}|{model}"] : [],
            (d, _) => Arn(d.Id.ToLowerInvariant()) is { Service: "bedrock" } arn ? [$"arn|{d.Id.ToLowerInvariant()}", $"{arn.Region}|{arn.ResourceId}"] : []),
        new(
            "sagemaker", "Amazon SageMaker", AssetTypes.Model,
            "`server.address` (or `url.full`) `runtime.sagemaker.{region}.amazonaws.com`; endpoint name from the path `/endpoints/{name}/invocations`, else `gen_ai.request.model`",
            "the endpoint ARN's region and name (`arn:aws:sagemaker:{region}:{account}:endpoint/{name}`)",
            ["aws.sagemaker"], [AssetTypes.Endpoint],
            t => AwsRegion(t.Text(ServerAddress), "runtime.sagemaker.") is { } region && (t.Text("endpoint_name") ?? t.Text("model")) is { } name ? [$"{region}|{name}"] : [],
            (d, _) => Arn(d.Id.ToLowerInvariant()) is { Service: "sagemaker", ResourceType: "endpoint" } arn ? [$"{arn.Region}|{arn.ResourceId}"] : []),
        new(
            "vertex-ai", "Google Vertex AI", AssetTypes.Model,
            "`server.address` `{location}-aiplatform.googleapis.com`; `gen_ai.request.model` = an endpoint (`.../endpoints/{id}`) or a publisher model (`gemini-2.0-flash`, `publishers/google/models/...`)",
            "the location and endpoint id, or location and publisher model name, of `//aiplatform.googleapis.com/projects/{p}/locations/{location}/...`",
            ["gcp.vertex_ai"], [AssetTypes.Endpoint, AssetTypes.GenerativeModel],
            t => LabelBefore(HostOf(t.Text(ServerAddress)), "-aiplatform.googleapis.com") is { } location && t.Text("model") is { } model
                ? model.Contains("endpoints/", StringComparison.Ordinal) ? [$"{location}|endpoint|{LastSegment(model)}"] : [$"{location}|model|{LastSegment(model)}"]
                : [],
            (d, _) => VertexKey(d) is { } key ? [key] : []),
        new(
            "databricks", "Databricks Model Serving", AssetTypes.Model,
            "`server.address[:server.port]` = the workspace; endpoint name from the path `/serving-endpoints/{name}/...`, else `gen_ai.request.model` (OpenAI clients with base URL `{workspace}/serving-endpoints`)",
            "the serving endpoint id `{workspace host[:port]}/serving-endpoints/{name}`",
            ["databricks"], [AssetTypes.Endpoint, AssetTypes.Agent],
            t => t.Text(ServerAddress) is { } address && (t.Text("endpoint_name") ?? t.Text("model")) is { } name ? [$"{address}|{name}"] : [],
            (d, _) => d.Id.ToLowerInvariant().Split("/serving-endpoints/") is [{ } host, { } name] && !name.Contains('/') ? [$"{host}|{name}"] : []),
        new(
            "litellm", "LiteLLM proxy", AssetTypes.Model,
            "`server.address[:server.port]` = the proxy; `gen_ai.request.model` = the model alias",
            "the deployment's `proxy` (host[:port]) and `alias`",
            ["litellm"], [AssetTypes.Deployment],
            t => t.Text(ServerAddress) is { } address && t.Text("model") is { } model ? [$"{address}|{model}"] : [],
            (d, _) => d.Text("proxy") is { } proxy && d.Text("alias") is { } alias ? [$"{proxy}|{alias}"] : []),
        new(
            "mcp-server", "MCP server", AssetTypes.McpServer,
            "`url.full` of the MCP request, else `server.address[:server.port]`, else `mcp.server.name`",
            "the server URL (scheme://host[:port]/path), its host[:port] when only one server is there, or the server's own name (`serverInfo.name`)",
            [PluginTypes.Mcp, "litellm", "azure.ai_foundry"], [AssetTypes.McpServer],
            t => McpTraceKeys(t.Text("url"), t.Text(ServerAddress), t.Name.Trim().ToLowerInvariant()),
            (d, _) => McpDeclaredKeys(d)),
        new(
            "mcp-tool", "MCP tool", AssetTypes.McpTool,
            "the tool's server (as for `mcp-server`) and `gen_ai.tool.name` / the span name `tools/call {tool}`",
            "the tool's `tool_name` on the declared server it belongs to (`server_id`)",
            [PluginTypes.Mcp], [AssetTypes.McpTool],
            t => t.Text("server") is { } server ? McpTraceKeys(null, null, server).Select(k => $"{k}|{t.Name.Trim().ToLowerInvariant()}") : [],
            (d, find) => find(AssetTypes.McpServer, d.Attributes["server_id"]?.ToString() ?? string.Empty) is { } server && d.Text("tool_name") is { } tool
                ? McpDeclaredKeys(server).Select(k => $"{k}|{tool}") : []),
        new(
            "agent", "Agents (Bedrock, AgentCore, Foundry, Vertex, Databricks, LiteLLM)", AssetTypes.Agent,
            "`gen_ai.agent.id` (or `agent_id`)",
            "the agent's id: its ARN or resource path, the last segment of either, a Google full resource name without its `//{service}/` (`projects/{p}/locations/{l}/reasoningEngines/{id}`), or its `agent_id` / `id` attribute",
            ["aws.bedrock", "azure.ai_foundry", "gcp.vertex_ai", "databricks", "litellm"], [AssetTypes.Agent],
            t => t.Text("agent_id") is { } id ? [id] : [],
            (d, _) => AgentKeys(d)),
    ];

    /// <summary>Plugin type ids the rules name.</summary>
    private static class PluginTypes
    {
        public const string Mcp = "mcp";
    }

    /// <summary>The rule table as README markdown.</summary>
    public static string MarkdownTable()
    {
        var sb = new StringBuilder();
        sb.Append("| rule | provider | trace identity | what the spans carry | declared by | matches the declared asset's |\n");
        sb.Append("|---|---|---|---|---|---|\n");
        foreach (ResolutionRule r in All)
        {
            sb.Append($"| `{r.Id}` | {r.Provider} | `{r.TraceType}` | {r.SpanEvidence} | {string.Join(", ", r.PluginTypes.Select(p => $"`{p}`"))} ({string.Join(", ", r.DeclaredTypes.Select(t => $"`{t}`"))}) | {r.DeclaredEvidence} |\n");
        }

        return sb.ToString();
    }

    private static string? AzureAccount(string? address)
    {
        string? host = HostOf(address);
        foreach (string suffix in AzureHosts)
        {
            if (LabelBefore(host, suffix) is { } account)
            {
                return account;
            }
        }

        return null;
    }

    /// <summary>The region of {prefix}{region}.amazonaws.com (also the -fips form of the prefix).</summary>
    private static string? AwsRegion(string? address, string prefix)
    {
        string? host = HostOf(address);
        if (host is null || !host.EndsWith(".amazonaws.com", StringComparison.Ordinal))
        {
            return null;
        }

        string fips = prefix.TrimEnd('.') + "-fips.";
        string rest = host.StartsWith(prefix, StringComparison.Ordinal) ? host[prefix.Length..]
            : host.StartsWith(fips, StringComparison.Ordinal) ? host[fips.Length..] : string.Empty;
        int dot = rest.IndexOf('.');
        return dot > 0 ? rest[..dot] : null;
    }

    private static string? VertexKey(DeclaredAsset d)
    {
        string[] parts = d.Id.ToLowerInvariant().Split('/');
        int locations = Array.IndexOf(parts, "locations");
        if (locations < 0 || locations + 1 >= parts.Length)
        {
            return null;
        }

        string location = parts[locations + 1];
        return d.Type == AssetTypes.Endpoint && parts.Length >= 2 && parts[^2] == "endpoints" ? $"{location}|endpoint|{parts[^1]}"
            : d.Type == AssetTypes.GenerativeModel && parts.Length >= 2 && parts[^2] == "models" && parts.Contains("publishers") ? $"{location}|model|{parts[^1]}"
            : null;
    }

    private static IEnumerable<string> McpTraceKeys(string? url, string? address, string name)
    {
        if (NormalisedUrl(url) is { } u)
        {
            yield return "url|" + u;
        }

        if (address is not null)
        {
            yield return "address|" + address;
        }

        yield return "address|" + name;
        yield return "name|" + name;
    }

    private static IEnumerable<string> McpDeclaredKeys(DeclaredAsset d)
    {
        string? url = NormalisedUrl(d.Id) ?? NormalisedUrl(d.Text("url")) ?? NormalisedUrl(d.Text("endpoint"));
        if (url is not null)
        {
            yield return "url|" + url;
            yield return "address|" + AddressOfUrl(url);
        }

        if (d.Text("server_name") is { } name)
        {
            yield return "name|" + name;
        }
    }

    private static HashSet<string> AgentKeys(DeclaredAsset d)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { d.Id.ToLowerInvariant(), LastSegment(d.Id).ToLowerInvariant() };

        // A Google full resource name (//aiplatform.googleapis.com/projects/...) is sent by SDKs as its relative name (projects/...).
        if (d.Id.StartsWith("//", StringComparison.Ordinal) && d.Id.IndexOf('/', 2) is > 2 and int slash)
        {
            keys.Add(d.Id[(slash + 1)..].ToLowerInvariant());
        }

        foreach (string attribute in (string[])["agent_id", "agentId", "id"])
        {
            if (d.Text(attribute) is { } id)
            {
                keys.Add(id);
            }
        }

        return keys;
    }
}
