using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>
/// A loopback LiteLLM proxy for the dashboard's scans, answering as LiteLLM's proxy management API documents it
/// (docs.litellm.ai "Proxy - Model Management": GET /model/info → {"data":[{model_name, litellm_params, model_info}]};
/// "Virtual Keys": GET /key/list → {keys, total_count, current_page, total_pages}; the other list routes empty).
/// It serves <see cref="Deployments"/> deployments named gateway-NNNN of a few provider models.
/// </summary>
internal sealed class LiteLlmProxyFake : IAsyncDisposable
{
    public const string MasterKey = "sk-ui-tests-master-key-0123456789";
    private static readonly string[] Models = ["anthropic/claude-sonnet-4-5", "azure/prod-gpt4o", "bedrock/titan-embed"];

    private LiteLlmProxyFake(LoopbackServer server, int deployments)
    {
        Server = server;
        Deployments = deployments;
    }

    public LoopbackServer Server { get; }

    public int Deployments { get; }

    public static async Task<LiteLlmProxyFake> StartAsync(int deployments)
    {
        string? body = null;
        LoopbackServer server = await LoopbackServer.StartAsync((context, _) =>
        {
            if (context.Request.Headers.Authorization != "Bearer " + MasterKey)
            {
                return WriteAsync(context, 401, """{"error":{"message":"Authentication Error, Invalid proxy server token passed.","type":"auth_error","param":"None","code":"401"}}""");
            }

            return context.Request.Path.Value switch
            {
                "/model/info" => WriteAsync(context, 200, body ??= ModelInfo(deployments)),
                "/key/list" => WriteAsync(context, 200, """{"keys":[],"total_count":0,"current_page":1,"total_pages":0}"""),
                "/mcp-rest/tools/list" => WriteAsync(context, 200, """{"tools":[]}"""),
                "/v2/guardrails/list" or "/guardrails/list" => WriteAsync(context, 200, """{"guardrails":[]}"""),
                "/vector_store/list" => WriteAsync(context, 200, """{"object":"list","data":[],"total_count":0,"current_page":1,"total_pages":0}"""),
                _ => WriteAsync(context, 200, "[]"),
            };
        });
        return new LiteLlmProxyFake(server, deployments);
    }

    /// <summary>The instance config a litellm instance of this proxy takes.</summary>
    public JsonObject Config() => new() { ["proxy_url"] = Server.BaseAddress.ToString(), ["master_key"] = MasterKey };

    private static string ModelInfo(int deployments) => new JsonObject
    {
        ["data"] = new JsonArray([.. Enumerable.Range(0, deployments).Select(i => (JsonNode?)new JsonObject
        {
            ["model_name"] = "gateway-" + i.ToString("D4", CultureInfo.InvariantCulture),
            ["litellm_params"] = new JsonObject { ["model"] = Models[i % Models.Length], ["rpm"] = 100 + i },
            ["model_info"] = new JsonObject { ["id"] = "dep-" + i.ToString("D5", CultureInfo.InvariantCulture), ["mode"] = "chat" },
        })]),
    }.ToJsonString();

    private static Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
