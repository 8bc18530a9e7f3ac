using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Http;
using ServerlessDiscovery.Plugins.Aws.Scanning;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.SageMaker;

/// <summary>
/// SageMaker over its JSON 1.1 API: models, endpoints (with the models their production variants serve), model
/// package groups and packages, and inference components.
/// </summary>
internal sealed class SageMakerDiscovery(AwsApiClient api, AwsService service) : IAwsServiceDiscovery
{
    public const string EndpointField = "sagemaker_endpoint";
    public const string DefaultEndpoint = "https://api.sagemaker.{region}.amazonaws.com";

    public AwsService Service => service;

    public static AwsService CreateService(string endpointTemplate) => new("sagemaker", "sagemaker", endpointTemplate, "SageMaker");

    public async Task VerifyAsync(string region, CancellationToken cancellationToken)
    {
        using JsonDocument _ = await api.CallJson11Async(service, region, "ListModels", new JsonObject { ["MaxResults"] = 1 }, cancellationToken);
    }

    public async Task DiscoverAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        Dictionary<string, string> modelArns = await ModelsAsync(scan, cancellationToken);
        await EndpointsAsync(scan, modelArns, cancellationToken);
        await InferenceComponentsAsync(scan, modelArns, cancellationToken);
        await ModelPackagesAsync(scan, cancellationToken);
    }

    /// <summary>Reports models and returns model name → ARN, which endpoint configs and inference components refer to by name.</summary>
    private async Task<Dictionary<string, string>> ModelsAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        var arns = new Dictionary<string, string>(StringComparer.Ordinal);
        await ListAsync(scan, "ListModels", [], async page =>
        {
            foreach (JsonElement model in AwsJson.Items(page, "Models", "ListModels"))
            {
                string name = AwsJson.RequiredString(model, "ModelName", "ListModels");
                string arn = AwsJson.RequiredString(model, "ModelArn", "ListModels");
                arns[name] = arn;
                JsonObject attributes = AwsJson.Attributes(model, "CreationTime");
                attributes["region"] = scan.Region;
                await scan.AddAsync(AssetTypes.Model, arn, name, attributes, cancellationToken);
            }
        }, cancellationToken);
        return arns;
    }

    private async Task EndpointsAsync(AwsScan scan, Dictionary<string, string> modelArns, CancellationToken cancellationToken)
    {
        var endpointNames = new List<string>();
        await ListAsync(scan, "ListEndpoints", [], page =>
        {
            endpointNames.AddRange(AwsJson.Items(page, "Endpoints", "ListEndpoints").Select(e => AwsJson.RequiredString(e, "EndpointName", "ListEndpoints")));
            return Task.CompletedTask;
        }, cancellationToken);

        foreach (string name in endpointNames)
        {
            await EndpointAsync(scan, name, modelArns, cancellationToken);
        }
    }

    /// <summary>
    /// One endpoint and the models its configuration serves. EndpointConfigName is optional in DescribeEndpoint, and AWS
    /// lets a config be deleted while its endpoint runs (DescribeEndpointConfig then answers 400 ValidationException):
    /// the endpoint is still reported, with a warning instead of the models it serves.
    /// </summary>
    private async Task EndpointAsync(AwsScan scan, string name, Dictionary<string, string> modelArns, CancellationToken cancellationToken)
    {
        using JsonDocument endpoint = await api.CallJson11Async(service, scan.Region, "DescribeEndpoint", new JsonObject { ["EndpointName"] = name }, cancellationToken);
        JsonElement e = endpoint.RootElement;
        string arn = AwsJson.RequiredString(e, "EndpointArn", "DescribeEndpoint");
        JsonObject attributes = AwsJson.Attributes(e, "EndpointStatus", "EndpointConfigName", "CreationTime");
        attributes["region"] = scan.Region;
        var variants = new JsonArray();
        var served = new List<string>();
        if (AwsJson.String(e, "EndpointConfigName") is { Length: > 0 } configName)
        {
            try
            {
                using JsonDocument config = await api.CallJson11Async(service, scan.Region, "DescribeEndpointConfig", new JsonObject { ["EndpointConfigName"] = configName }, cancellationToken);
                foreach (JsonElement variant in AwsJson.Items(config.RootElement, "ProductionVariants", "DescribeEndpointConfig"))
                {
                    variants.Add(AwsJson.Attributes(variant, "VariantName", "ModelName", "InstanceType", "InitialInstanceCount", "InitialVariantWeight"));
                    if (AwsJson.String(variant, "ModelName") is { } modelName)
                    {
                        served.Add(modelArns.TryGetValue(modelName, out string? modelArn) ? modelArn : ModelArn(scan, modelName));
                    }
                }
            }
            catch (ProviderException ex) when (AwsJson.IsItemUnreadable(ex))
            {
                string warning = $"endpoint {name}: its configuration {configName} could not be read ({ex.Message})";
                attributes["warning"] = warning;
                scan.Warn(warning);
            }
        }

        attributes["production_variants"] = variants;
        await scan.AddAsync(AssetTypes.Endpoint, arn, name, attributes, cancellationToken);
        foreach (string modelArn in served.Distinct(StringComparer.Ordinal))
        {
            await scan.LinkAsync(AssetTypes.Endpoint, arn, Relationships.Serves, AssetTypes.Model, modelArn, cancellationToken);
        }
    }

    private async Task InferenceComponentsAsync(AwsScan scan, Dictionary<string, string> modelArns, CancellationToken cancellationToken)
    {
        var components = new List<(string Name, string Arn, string? EndpointArn, JsonObject Attributes)>();
        await ListAsync(scan, "ListInferenceComponents", [], page =>
        {
            foreach (JsonElement c in AwsJson.Items(page, "InferenceComponents", "ListInferenceComponents"))
            {
                components.Add((
                    AwsJson.RequiredString(c, "InferenceComponentName", "ListInferenceComponents"),
                    AwsJson.RequiredString(c, "InferenceComponentArn", "ListInferenceComponents"),
                    AwsJson.String(c, "EndpointArn"),
                    AwsJson.Attributes(c, "EndpointName", "VariantName", "InferenceComponentStatus", "CreationTime")));
            }

            return Task.CompletedTask;
        }, cancellationToken);

        foreach ((string name, string arn, string? endpointArn, JsonObject attributes) in components)
        {
            // The summary does not say which model a component runs; its specification does.
            string? modelName = null;
            try
            {
                using JsonDocument detail = await api.CallJson11Async(service, scan.Region, "DescribeInferenceComponent", new JsonObject { ["InferenceComponentName"] = name }, cancellationToken);
                modelName = AwsJson.Object(detail.RootElement, "Specification") is { } spec ? AwsJson.String(spec, "ModelName") : null;
            }
            catch (ProviderException ex) when (AwsJson.IsItemUnreadable(ex))
            {
                string warning = $"inference component {name} could not be described ({ex.Message})";
                attributes["warning"] = warning;
                scan.Warn(warning);
            }

            attributes["region"] = scan.Region;
            if (modelName is not null)
            {
                attributes["ModelName"] = modelName;
            }

            await scan.AddAsync(AssetTypes.Deployment, arn, name, attributes, cancellationToken);
            if (modelName is not null)
            {
                string modelArn = modelArns.TryGetValue(modelName, out string? known) ? known : ModelArn(scan, modelName);
                await scan.LinkAsync(AssetTypes.Deployment, arn, Relationships.Serves, AssetTypes.Model, modelArn, cancellationToken);
            }

            if (endpointArn is not null)
            {
                await scan.LinkAsync(AssetTypes.Endpoint, endpointArn, Relationships.Contains, AssetTypes.Deployment, arn, cancellationToken);
            }
        }
    }

    private async Task ModelPackagesAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        var groups = new List<(string Name, string Arn)>();
        await ListAsync(scan, "ListModelPackageGroups", [], async page =>
        {
            foreach (JsonElement g in AwsJson.Items(page, "ModelPackageGroupSummaryList", "ListModelPackageGroups"))
            {
                string name = AwsJson.RequiredString(g, "ModelPackageGroupName", "ListModelPackageGroups");
                string arn = AwsJson.RequiredString(g, "ModelPackageGroupArn", "ListModelPackageGroups");
                groups.Add((name, arn));
                JsonObject attributes = AwsJson.Attributes(g, "ModelPackageGroupDescription", "ModelPackageGroupStatus", "CreationTime");
                attributes["region"] = scan.Region;
                attributes["kind"] = "model_package_group";
                await scan.AddAsync(AssetTypes.Model, arn, name, attributes, cancellationToken);
            }
        }, cancellationToken);

        foreach ((string groupName, string groupArn) in groups)
        {
            await ListAsync(scan, "ListModelPackages", new JsonObject { ["ModelPackageGroupName"] = groupName }, async page =>
            {
                foreach (JsonElement p in AwsJson.Items(page, "ModelPackageSummaryList", "ListModelPackages"))
                {
                    string arn = AwsJson.RequiredString(p, "ModelPackageArn", "ListModelPackages");
                    string name = AwsJson.String(p, "ModelPackageName") ?? arn[(arn.LastIndexOf('/') + 1)..];
                    JsonObject attributes = AwsJson.Attributes(p, "ModelPackageGroupName", "ModelPackageVersion", "ModelPackageDescription", "ModelPackageStatus", "ModelApprovalStatus", "CreationTime");
                    attributes["region"] = scan.Region;
                    attributes["kind"] = "model_package";
                    await scan.AddAsync(AssetTypes.Model, arn, name, attributes, cancellationToken);
                    await scan.LinkAsync(AssetTypes.Model, arn, Relationships.VersionOf, AssetTypes.Model, groupArn, cancellationToken);
                }
            }, cancellationToken);
        }
    }

    private Task ListAsync(AwsScan scan, string operation, JsonObject request, Func<JsonElement, Task> onPage, CancellationToken cancellationToken) =>
        AwsJson.ForEachPageAsync(operation, "NextToken", token =>
        {
            var body = (JsonObject)request.DeepClone();
            body["MaxResults"] = 100;
            if (token is not null)
            {
                body["NextToken"] = token;
            }

            return api.CallJson11Async(service, scan.Region, operation, body, cancellationToken);
        }, onPage);

    private static string ModelArn(AwsScan scan, string modelName) => $"arn:{scan.Partition}:sagemaker:{scan.Region}:{scan.Account}:model/{modelName.ToLowerInvariant()}";
}
