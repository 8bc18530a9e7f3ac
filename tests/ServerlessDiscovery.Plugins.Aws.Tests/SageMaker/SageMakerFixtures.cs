using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;

namespace ServerlessDiscovery.Plugins.Aws.Tests.SageMaker;

/// <summary>SageMaker answers in the documented JSON 1.1 shapes (SageMaker API Reference: ListModels, ListEndpoints, ...).</summary>
public static class SageMakerFixtures
{
    public static string Arn(string region, string resource) => $"arn:aws:sagemaker:{region}:{AwsTestPlugin.Account}:{resource}";

    public static FakeReply Answer(AwsCall call)
    {
        string r = call.Region;
        JsonObject body = call.Body;
        return call.Operation switch
        {
            // Two pages: the second is asked for with the first's NextToken.
            "ListModels" when body["NextToken"] is null => FakeReply.Json(new JsonObject
            {
                ["Models"] = new JsonArray(new JsonObject { ["ModelName"] = "model-a", ["ModelArn"] = Arn(r, "model/model-a"), ["CreationTime"] = 1700000000.0 }),
                ["NextToken"] = "page-2",
            }),
            "ListModels" when (string?)body["NextToken"] == "page-2" => FakeReply.Json(new JsonObject
            {
                ["Models"] = new JsonArray(new JsonObject { ["ModelName"] = "model-b", ["ModelArn"] = Arn(r, "model/model-b"), ["CreationTime"] = 1700000001.0 }),
            }),
            "ListEndpoints" => FakeReply.Json(new JsonObject
            {
                ["Endpoints"] = new JsonArray(new JsonObject { ["EndpointName"] = "ep-1", ["EndpointArn"] = Arn(r, "endpoint/ep-1"), ["EndpointStatus"] = "InService" }),
            }),
            "DescribeEndpoint" when (string?)body["EndpointName"] == "ep-1" => FakeReply.Json(new JsonObject
            {
                ["EndpointName"] = "ep-1",
                ["EndpointArn"] = Arn(r, "endpoint/ep-1"),
                ["EndpointConfigName"] = "cfg-1",
                ["EndpointStatus"] = "InService",
                ["ProductionVariants"] = new JsonArray(new JsonObject { ["VariantName"] = "AllTraffic", ["CurrentInstanceCount"] = 1 }),
            }),
            "DescribeEndpointConfig" when (string?)body["EndpointConfigName"] == "cfg-1" => FakeReply.Json(new JsonObject
            {
                ["EndpointConfigName"] = "cfg-1",
                ["EndpointConfigArn"] = Arn(r, "endpoint-config/cfg-1"),
                ["ProductionVariants"] = new JsonArray(new JsonObject { ["VariantName"] = "AllTraffic", ["ModelName"] = "model-b", ["InstanceType"] = "ml.g5.xlarge", ["InitialInstanceCount"] = 1 }),
            }),
            "ListInferenceComponents" => FakeReply.Json(new JsonObject
            {
                ["InferenceComponents"] = new JsonArray(new JsonObject
                {
                    ["InferenceComponentName"] = "ic-1",
                    ["InferenceComponentArn"] = Arn(r, "inference-component/ic-1"),
                    ["EndpointName"] = "ep-1",
                    ["EndpointArn"] = Arn(r, "endpoint/ep-1"),
                    ["VariantName"] = "AllTraffic",
                    ["InferenceComponentStatus"] = "InService",
                }),
            }),
            "DescribeInferenceComponent" when (string?)body["InferenceComponentName"] == "ic-1" => FakeReply.Json(new JsonObject
            {
                ["InferenceComponentName"] = "ic-1",
                ["InferenceComponentArn"] = Arn(r, "inference-component/ic-1"),
                ["Specification"] = new JsonObject { ["ModelName"] = "model-a" },
            }),
            "ListModelPackageGroups" => FakeReply.Json(new JsonObject
            {
                ["ModelPackageGroupSummaryList"] = new JsonArray(new JsonObject { ["ModelPackageGroupName"] = "churn", ["ModelPackageGroupArn"] = Arn(r, "model-package-group/churn"), ["ModelPackageGroupStatus"] = "Completed" }),
            }),
            "ListModelPackages" when (string?)body["ModelPackageGroupName"] == "churn" => FakeReply.Json(new JsonObject
            {
                ["ModelPackageSummaryList"] = new JsonArray(new JsonObject
                {
                    ["ModelPackageGroupName"] = "churn",
                    ["ModelPackageVersion"] = 1,
                    ["ModelPackageArn"] = Arn(r, "model-package/churn/1"),
                    ["ModelPackageStatus"] = "Completed",
                    ["ModelApprovalStatus"] = "Approved",
                }),
            }),
            _ => FakeReply.Error(400, "ValidationException", $"Unexpected {call.Operation} {body.ToJsonString()}"),
        };
    }
}
