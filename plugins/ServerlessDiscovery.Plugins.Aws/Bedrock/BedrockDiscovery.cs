using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Http;
using ServerlessDiscovery.Plugins.Aws.Scanning;

namespace ServerlessDiscovery.Plugins.Aws.Bedrock;

/// <summary>
/// Amazon Bedrock's control plane (REST-JSON, bedrock.{region}.amazonaws.com): foundation, custom and imported models,
/// provisioned throughputs, inference profiles and guardrails.
/// </summary>
internal sealed class BedrockDiscovery(AwsApiClient api, AwsService service, bool includeCatalogue = false) : IAwsServiceDiscovery
{
    public const string EndpointField = "bedrock_endpoint";

    /// <summary>Opt-in: report the region's whole foundation-model catalogue, not only the models the account uses.</summary>
    public const string CatalogueField = "include_foundation_model_catalog";
    public const string DefaultEndpoint = "https://bedrock.{region}.amazonaws.com";

    public AwsService Service => service;

    public static AwsService CreateService(string endpointTemplate) => new("bedrock", "bedrock", endpointTemplate);

    public async Task VerifyAsync(string region, CancellationToken cancellationToken)
    {
        using JsonDocument _ = await api.CallRestAsync(service, region, "ListCustomModels", HttpMethod.Get, "custom-models?maxResults=1", null, cancellationToken);
    }

    public async Task DiscoverAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        // The region's whole catalogue: read for the names and attributes of the models the account uses.
        var catalogue = new Dictionary<string, (string Name, JsonObject Attributes)>(StringComparer.Ordinal);
        using (JsonDocument foundation = await api.CallRestAsync(service, scan.Region, "ListFoundationModels", HttpMethod.Get, "foundation-models", null, cancellationToken))
        {
            foreach (JsonElement m in AwsJson.Items(foundation.RootElement, "modelSummaries", "ListFoundationModels"))
            {
                string arn = AwsJson.RequiredString(m, "modelArn", "ListFoundationModels");
                JsonObject attributes = AwsJson.Attributes(m, "modelId", "providerName", "inputModalities", "outputModalities", "inferenceTypesSupported", "customizationsSupported", "responseStreamingSupported");
                if (AwsJson.Object(m, "modelLifecycle") is { } lifecycle && AwsJson.String(lifecycle, "status") is { } status)
                {
                    attributes["lifecycle_status"] = status;
                }

                catalogue[arn] = (AwsJson.String(m, "modelName") ?? AwsJson.String(m, "modelId") ?? arn, attributes);
            }
        }

        // Foundation models the account's own resources refer to: what it actually uses.
        var used = new HashSet<string>(StringComparer.Ordinal);

        await ListAsync(scan, "ListCustomModels", "custom-models", async page =>
        {
            foreach (JsonElement m in AwsJson.Items(page, "modelSummaries", "ListCustomModels"))
            {
                string arn = AwsJson.RequiredString(m, "modelArn", "ListCustomModels");
                JsonObject attributes = AwsJson.Attributes(m, "baseModelArn", "baseModelName", "customizationType", "modelStatus", "ownerAccountId", "creationTime");
                await AddAsync(scan, AssetTypes.GenerativeModel, arn, AwsJson.String(m, "modelName") ?? arn, attributes, "custom_model", cancellationToken);
                if (AwsJson.String(m, "baseModelArn") is { } baseModel)
                {
                    used.Add(baseModel);
                    await scan.LinkAsync(AssetTypes.GenerativeModel, arn, Relationships.VersionOf, AssetTypes.GenerativeModel, baseModel, cancellationToken);
                }
            }
        }, cancellationToken);

        await ListAsync(scan, "ListImportedModels", "imported-models", async page =>
        {
            foreach (JsonElement m in AwsJson.Items(page, "modelSummaries", "ListImportedModels"))
            {
                string arn = AwsJson.RequiredString(m, "modelArn", "ListImportedModels");
                JsonObject attributes = AwsJson.Attributes(m, "modelArchitecture", "instructSupported", "creationTime");
                await AddAsync(scan, AssetTypes.GenerativeModel, arn, AwsJson.String(m, "modelName") ?? arn, attributes, "imported_model", cancellationToken);
            }
        }, cancellationToken);

        await ListAsync(scan, "ListProvisionedModelThroughputs", "provisioned-model-throughputs", async page =>
        {
            foreach (JsonElement p in AwsJson.Items(page, "provisionedModelSummaries", "ListProvisionedModelThroughputs"))
            {
                string arn = AwsJson.RequiredString(p, "provisionedModelArn", "ListProvisionedModelThroughputs");
                JsonObject attributes = AwsJson.Attributes(p, "modelArn", "foundationModelArn", "modelUnits", "status", "commitmentDuration", "creationTime");
                await AddAsync(scan, AssetTypes.Deployment, arn, AwsJson.String(p, "provisionedModelName") ?? arn, attributes, "provisioned_throughput", cancellationToken);
                if (AwsJson.String(p, "modelArn") is { } modelArn)
                {
                    used.Add(modelArn);
                    await scan.LinkAsync(AssetTypes.Deployment, arn, Relationships.Serves, AssetTypes.GenerativeModel, modelArn, cancellationToken);
                }

                if (AwsJson.String(p, "foundationModelArn") is { } foundationArn)
                {
                    used.Add(foundationArn);
                }
            }
        }, cancellationToken);

        // Without "type" Bedrock lists only SYSTEM_DEFINED profiles; the account's own are asked for with type=APPLICATION.
        foreach (string profileType in (string[])["SYSTEM_DEFINED", "APPLICATION"])
        {
            bool own = profileType == "APPLICATION";
            await ListAsync(scan, "ListInferenceProfiles", $"inference-profiles?type={profileType}", async page =>
            {
                foreach (JsonElement p in AwsJson.Items(page, "inferenceProfileSummaries", "ListInferenceProfiles"))
                {
                    string arn = AwsJson.RequiredString(p, "inferenceProfileArn", "ListInferenceProfiles");
                    JsonObject attributes = AwsJson.Attributes(p, "inferenceProfileId", "type", "status", "description");
                    string[] models = [.. AwsJson.Items(p, "models", "ListInferenceProfiles").Select(m => AwsJson.String(m, "modelArn")).OfType<string>()];
                    attributes["models"] = new JsonArray([.. models.Select(m => (JsonNode?)JsonValue.Create(m))]);
                    await AddAsync(scan, AssetTypes.Endpoint, arn, AwsJson.String(p, "inferenceProfileName") ?? arn, attributes, own ? "application_inference_profile" : "inference_profile", cancellationToken);
                    foreach (string modelArn in models.Distinct(StringComparer.Ordinal))
                    {
                        if (own)
                        {
                            used.Add(modelArn);
                        }

                        await scan.LinkAsync(AssetTypes.Endpoint, arn, Relationships.Serves, AssetTypes.GenerativeModel, modelArn, cancellationToken);
                    }
                }
            }, cancellationToken);
        }

        foreach ((string arn, (string name, JsonObject attributes)) in catalogue)
        {
            if (includeCatalogue || used.Contains(arn))
            {
                await AddAsync(scan, AssetTypes.GenerativeModel, arn, name, attributes, "foundation_model", cancellationToken);
            }
        }

        await ListAsync(scan, "ListGuardrails", "guardrails", async page =>
        {
            foreach (JsonElement g in AwsJson.Items(page, "guardrails", "ListGuardrails"))
            {
                string arn = AwsJson.RequiredString(g, "arn", "ListGuardrails");
                JsonObject attributes = AwsJson.Attributes(g, "id", "version", "status", "description");
                await AddAsync(scan, AssetTypes.Function, arn, AwsJson.String(g, "name") ?? arn, attributes, "guardrail", cancellationToken);
            }
        }, cancellationToken);
    }

    private static ValueTask AddAsync(AwsScan scan, string type, string arn, string name, JsonObject attributes, string kind, CancellationToken cancellationToken)
    {
        attributes["region"] = scan.Region;
        attributes["kind"] = kind;
        return scan.AddAsync(type, arn, name, attributes, cancellationToken);
    }

    private Task ListAsync(AwsScan scan, string operation, string path, Func<JsonElement, Task> onPage, CancellationToken cancellationToken)
    {
        string separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return AwsJson.ForEachPageAsync(operation, "nextToken", token =>
            api.CallRestAsync(service, scan.Region, operation, HttpMethod.Get, token is null ? $"{path}{separator}maxResults=100" : $"{path}{separator}maxResults=100&nextToken={Uri.EscapeDataString(token)}", null, cancellationToken),
            onPage);
    }
}
