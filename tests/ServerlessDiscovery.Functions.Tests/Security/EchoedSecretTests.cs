using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Functions.Tests.Webhooks;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Security;

/// <summary>
/// Issue 12 item 3: a provider that quotes the refused credential back, in every form, for every plugin type with
/// credentials (the opentelemetry type has no secret field). The secret and its derived forms must be in none of the
/// API's answers (verify, scans, instances, status), the CloudEvents (in-process subscriber and a webhook receiver's
/// deliveries), the log, or any row of any of the app's tables in Azurite.
/// </summary>
public sealed class EchoedSecretTests
{
    private const string ClientId = "client-id-7f3a";
    private const string Mask = "********";

    public static TheoryData<string> Cases() => new(["aws.sagemaker", "aws.bedrock-sts", "azure", "gcp-token", "gcp-key", "databricks-pat", "databricks-m2m", "litellm", "mcp"]);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ProviderEchoingTheCredential_ReachesNoAnswerEventLogOrRow(string name)
    {
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "+Sx/9qZ=" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await using EchoingProvider provider = await EchoingProvider.StartAsync(secret, ClientId);
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        (string pluginType, JsonObject config, string[] others) = Instance(name, provider.BaseAddress, secret);
        string id = "leak-" + name.Replace('.', '-');
        await app.CreateInstanceAsync(pluginType, id, config);
        await Webhook.SubscribeAsync(app.Client, id, new JsonObject { ["url"] = receiver.Url, ["events"] = new JsonArray("ServerlessDiscovery.Scan.*") });

        string verify = await PostAsync(app, $"api/v1/instances/{id}/verify");
        JsonObject run = await app.RefreshAsync(id);
        await receiver.WhenReceivedAsync(1);

        Assert.NotEmpty(provider.Server.Requests);
        Assert.False(JsonNode.Parse(verify)!["success"]!.GetValue<bool>(), verify);
        string answers = verify + run.ToJsonString();
        Assert.True(answers.Contains(Mask, StringComparison.Ordinal), $"The echo never reached an error, so nothing was tested: {answers}");

        var surfaces = new Dictionary<string, string>
        {
            ["verify answer"] = verify,
            ["scans answer"] = await app.Client.GetStringAsync($"api/v1/instances/{id}/scans"),
            ["instance answer"] = await app.Client.GetStringAsync($"api/v1/instances/{id}"),
            ["instances answer"] = await app.Client.GetStringAsync("api/v1/instances"),
            ["status answer"] = await app.Client.GetStringAsync("api/v1/status"),
            ["events"] = string.Join('\n', app.Events.Events.Select(e => JsonSerializer.Serialize(e))),
            ["webhook deliveries"] = string.Join('\n', receiver.Received.Select(r => r.Request.BodyText)),
            ["log"] = app.Logs.Text,
            ["tables"] = await TableTextAsync(app.App.TablePrefix),
        };
        Assert.Contains("ServerlessDiscovery.Scan.", surfaces["webhook deliveries"], StringComparison.Ordinal);
        foreach ((string surface, string text) in surfaces)
        {
            AssertNoLeak(surface, Decoded(text), secret, others);
        }
    }

    private static (string Type, JsonObject Config, string[] OtherSecrets) Instance(string name, Uri echo, string secret)
    {
        string baseUrl = echo.ToString();
        switch (name)
        {
            case "aws.sagemaker":
                return ("aws.sagemaker", new JsonObject
                {
                    ["regions"] = new JsonArray("us-east-1"),
                    ["access_key_id"] = "AKIAECHOTEST0000001",
                    ["secret_access_key"] = secret,
                    ["account_id"] = "123456789012",
                    ["sagemaker_endpoint"] = baseUrl + "sagemaker/{region}",
                    ["requests_per_second"] = 0L,
                }, ["AKIAECHOTEST0000001"]);
            case "aws.bedrock-sts":
                return ("aws.bedrock", new JsonObject
                {
                    ["regions"] = new JsonArray("us-east-1"),
                    ["access_key_id"] = "AKIAECHOTEST0000002",
                    ["secret_access_key"] = secret,
                    ["session_token"] = "session-token-" + secret[..8],
                    ["sts_endpoint"] = baseUrl + "sts/{region}",
                    ["bedrock_endpoint"] = baseUrl + "bedrock/{region}",
                    ["requests_per_second"] = 0L,
                }, ["AKIAECHOTEST0000002"]);
            case "azure":
                return ("azure.ai_foundry", new JsonObject
                {
                    ["bearer_token"] = secret,
                    ["arm_base_url"] = baseUrl,
                    ["subscription_ids"] = new JsonArray("00000000-0000-0000-0000-000000000001"),
                }, []);
            case "gcp-token":
                return ("gcp.vertex_ai", new JsonObject
                {
                    ["projects"] = new JsonArray("proj-a"),
                    ["locations"] = new JsonArray("us-central1"),
                    ["access_token"] = secret,
                    ["vertex_endpoint"] = baseUrl + "{location}",
                    ["requests_per_second"] = 0L,
                }, []);
            case "gcp-key":
                using (var rsa = RSA.Create(2048))
                {
                    string privateKey = rsa.ExportPkcs8PrivateKeyPem();
                    string key = new JsonObject
                    {
                        ["type"] = "service_account",
                        ["project_id"] = "proj-a",
                        ["private_key_id"] = secret,
                        ["private_key"] = privateKey,
                        ["client_email"] = "scanner@proj-a.iam.gserviceaccount.com",
                        ["client_id"] = "1234567890",
                        ["token_uri"] = baseUrl + "token",
                    }.ToJsonString();
                    string pemBody = privateKey.Split('\n')[1];
                    return ("gcp.vertex_ai", new JsonObject
                    {
                        ["projects"] = new JsonArray("proj-a"),
                        ["locations"] = new JsonArray("us-central1"),
                        ["service_account_key"] = key,
                        ["vertex_endpoint"] = baseUrl + "{location}",
                        ["requests_per_second"] = 0L,
                    }, [pemBody]);
                }

            case "databricks-pat":
                return ("databricks", new JsonObject { ["workspace_url"] = baseUrl, ["token"] = secret }, []);
            case "databricks-m2m":
                return ("databricks", new JsonObject { ["workspace_url"] = baseUrl, ["client_id"] = ClientId, ["client_secret"] = secret }, []);
            case "litellm":
                return ("litellm", new JsonObject { ["proxy_url"] = baseUrl, ["master_key"] = secret }, []);
            case "mcp":
                return ("mcp", new JsonObject
                {
                    ["transport"] = "streamable_http",
                    ["url"] = baseUrl + "mcp",
                    ["headers"] = new JsonObject { ["Authorization"] = "Bearer " + secret, ["X-Api-Key"] = secret },
                    ["timeout_seconds"] = 10L,
                }, []);
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "No such case.");
        }
    }

    /// <summary>Every 12-character window of the secret's forms: any of them in a surface is a leak, whole or cut.</summary>
    private static void AssertNoLeak(string surface, string text, string secret, string[] others)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(secret);
        string[] forms =
        [
            secret,
            Convert.ToBase64String(bytes),
            Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_'),
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{secret}"))[8..],
            Uri.EscapeDataString(secret),
            WebUtility.UrlEncode(secret),
            JsonSerializer.Serialize(secret)[1..^1],
        ];
        foreach (string form in forms.Select(f => f.TrimEnd('=')))
        {
            for (int i = 0; i + 12 <= form.Length; i++)
            {
                string window = form.Substring(i, 12);
                Assert.False(text.Contains(window, StringComparison.OrdinalIgnoreCase), $"{surface} holds '{window}' of the secret's form '{form}':\n{Excerpt(text, window)}");
            }
        }

        foreach (string other in others)
        {
            Assert.False(text.Contains(other, StringComparison.Ordinal), $"{surface} holds the configured secret '{other}':\n{Excerpt(text, other)}");
        }
    }

    /// <summary>The text, plus every JSON string in it unescaped (an API answer escapes '+' as \u002B, which would hide a raw secret).</summary>
    private static string Decoded(string text)
    {
        var all = new StringBuilder(text);
        foreach (string line in text.Split('\n'))
        {
            try
            {
                Collect(JsonNode.Parse(line), all);
            }
            catch (JsonException)
            {
                // Not a JSON line: its raw text is searched as it is.
            }
        }

        return all.ToString();
    }

    private static void Collect(JsonNode? node, StringBuilder all)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (KeyValuePair<string, JsonNode?> member in obj)
                {
                    Collect(member.Value, all);
                }

                break;
            case JsonArray list:
                foreach (JsonNode? item in list)
                {
                    Collect(item, all);
                }

                break;
            case JsonValue value when value.TryGetValue(out string? s):
                all.Append('\n').Append(s);
                Collect(TryParse(s), all);
                break;
        }
    }

    private static JsonNode? TryParse(string s)
    {
        try
        {
            return s.StartsWith('{') || s.StartsWith('[') ? JsonNode.Parse(s) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every property of every row of every table the app made (its prefix), as text; binary values as UTF-8.</summary>
    private static async Task<string> TableTextAsync(string prefix)
    {
        TableServiceClient service = Azurite.CreateServiceClient();
        var text = new StringBuilder();
        await foreach (Azure.Data.Tables.Models.TableItem table in service.QueryAsync(t => t.Name.CompareTo(prefix) >= 0 && t.Name.CompareTo(prefix + "{") < 0))
        {
            await foreach (TableEntity row in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                foreach ((string key, object value) in row)
                {
                    text.Append(table.Name).Append(' ').Append(key).Append('=').Append(value is byte[] b ? Encoding.UTF8.GetString(b) : value?.ToString()).Append('\n');
                }
            }
        }

        Assert.NotEqual(0, text.Length);
        return text.ToString();
    }

    private static async Task<string> PostAsync(EngineApp app, string path)
    {
        using HttpResponseMessage response = await app.Client.PostAsync(path, null);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    private static string Excerpt(string text, string needle)
    {
        int at = text.IndexOf(needle, StringComparison.OrdinalIgnoreCase);
        return text.Substring(Math.Max(0, at - 200), Math.Min(text.Length - Math.Max(0, at - 200), 400 + needle.Length));
    }
}
