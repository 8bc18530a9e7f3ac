using System.Text.RegularExpressions;
using ServerlessDiscovery.Infra.Tests.Bicep;

namespace ServerlessDiscovery.Infra.Tests;

/// <summary>
/// The templates against the Azure resource type catalogue, and the conventions they follow.
/// What these checks cannot see (Bicep cannot be compiled here): value types and allowed values, properties
/// deeper than the catalogue's three levels, properties set through union()/variables/parameters rather than
/// object literals, and whether an expression is valid where it is used (deploy-time constants, scopes).
/// </summary>
public sealed partial class BicepTemplateTests
{
    // Bicep's own keys in a resource body, not properties of the resource type.
    private static readonly HashSet<string> DeclarationKeys = ["parent", "scope", "dependsOn"];

    /// <summary>Azure built-in role ids (learn.microsoft.com, "Azure built-in roles") of the roles the templates grant.</summary>
    private static readonly Dictionary<string, string> BuiltInRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = "Storage Blob Data Owner",
        ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"] = "Storage Blob Data Contributor",
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["c6a89b2d-59bc-44d0-9896-0f6e12d7b80a"] = "Storage Queue Data Message Sender",
        ["d5a91429-5739-47e2-a06b-3470a27159e7"] = "EventGrid Data Sender",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7"] = "Key Vault Secrets Officer",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
    };

    public static IEnumerable<object[]> Files => Templates.AllFileNames();

    [Fact]
    public void Catalogue_IsPresent_AndReadable() =>
        Assert.True(ResourceCatalogue.Shared.Count > 1000);

    [Theory]
    [MemberData(nameof(Files))]
    public void Resources_TypeAndApiVersion_ExistInCatalogue(string file)
    {
        BicepFile template = Templates.Module(file);
        var missing = new List<string>();
        foreach (ResolvedResource resource in template.AllResources())
        {
            if (!ResourceCatalogue.Shared.TryGetPaths(resource.CatalogueKey, out _))
            {
                string known = string.Join(", ", ResourceCatalogue.Shared.VersionsOf(resource.FullType).TakeLast(5));
                missing.Add($"{resource.Declaration.Symbol}: {resource.FullType}@{resource.ApiVersion} (known versions: {(known.Length == 0 ? "none, the type is unknown" : known)})");
            }
        }

        Assert.True(missing.Count == 0, $"{file}: resource types or API versions not in the catalogue:\n" + string.Join("\n", missing));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Resources_PropertyPaths_AreWritableInCatalogue(string file)
    {
        BicepFile template = Templates.Module(file);
        var invalid = new List<string>();
        foreach (ResolvedResource resource in template.AllResources())
        {
            if (!ResourceCatalogue.Shared.TryGetPaths(resource.CatalogueKey, out IReadOnlySet<string> paths))
            {
                continue; // reported by Resources_TypeAndApiVersion_ExistInCatalogue
            }

            ObjectExpr body = resource.Declaration.Object
                ?? throw new FormatException($"{file}: resource '{resource.Declaration.Symbol}' has no object body.");
            foreach (ObjectProperty property in body.Properties.Where(p => p.Key is null || !DeclarationKeys.Contains(p.Key)))
            {
                invalid.AddRange(InvalidPaths(property, "", 1, paths).Select(p => $"{resource.Declaration.Symbol} ({resource.CatalogueKey}): {p}"));
            }
        }

        Assert.True(invalid.Count == 0, $"{file}: properties that are not writable properties of their resource type:\n" + string.Join("\n", invalid));
    }

    [Fact]
    public void PropertyPathCheck_RejectsAnUnknownProperty()
    {
        // The check itself must be able to fail: a misspelt property on a real type is reported.
        BicepFile template = BicepParser.ParseFile("probe.bicep", """
            resource st 'Microsoft.Storage/storageAccounts@2025-01-01' = {
              name: 'x'
              properties: {
                allowSharedKeyAcess: false
                minimumTlsVersion: 'TLS1_2'
              }
            }
            """);
        ResolvedResource resource = Assert.Single(template.AllResources());
        Assert.True(ResourceCatalogue.Shared.TryGetPaths(resource.CatalogueKey, out IReadOnlySet<string> paths));
        string[] invalid = [.. resource.Declaration.Object!.Properties.SelectMany(p => InvalidPaths(p, "", 1, paths))];
        Assert.Equal(["properties.allowSharedKeyAcess"], invalid);
    }

    [Fact]
    public void RoleAssignments_Names_AreGuidOfScopePrincipalAndRole()
    {
        var assignments = Templates.All()
            .SelectMany(f => f.AllResources().Select(r => (File: Path.GetFileName(f.Path), Resource: r)))
            .Where(x => string.Equals(x.Resource.FullType, "Microsoft.Authorization/roleAssignments", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.NotEmpty(assignments);
        foreach ((string file, ResolvedResource resource) in assignments)
        {
            ObjectExpr body = resource.Declaration.Object!;
            string where = $"{file}: {resource.Declaration.Symbol}";
            CallExpr name = Assert.IsType<CallExpr>(body["name"]);
            Assert.True(name is { FunctionName: "guid", Args.Count: 3 }, $"{where}: name must be guid(scope, principalId, roleDefinitionId).");
            IdentExpr scope = Assert.IsType<IdentExpr>(body["scope"]);
            Assert.Equal(new MemberExpr(scope, "id"), name.Args[0]);
            ObjectExpr properties = Assert.IsType<ObjectExpr>(body["properties"]);
            Assert.Equal(properties["principalId"], name.Args[1]);
            Assert.Contains(name.Args[2], BicepFile.Descendants(properties["roleDefinitionId"]!));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Params_Descriptions_StartWithRequiredOrOptional(string file)
    {
        BicepFile template = Templates.Module(file);
        foreach (ParamDecl param in template.Params)
        {
            string? description = param.Description;
            Assert.False(description is null, $"{file}: param {param.Name} has no @description.");
            string expected = param.IsRequired ? "Required." : "Optional.";
            Assert.True(description!.StartsWith(expected, StringComparison.Ordinal), $"{file}: param {param.Name} description must start with '{expected}': {description}");
            Assert.True(char.IsAsciiLetterLower(param.Name[0]), $"{file}: param {param.Name} is not lowerCamelCase.");
        }
    }

    [Fact]
    public void StorageAccount_SharedKeyAndPublicBlobOff_Tls12()
    {
        ObjectExpr properties = PropertiesOf("modules/storage.bicep", "Microsoft.Storage/storageAccounts");
        Assert.Equal(new LiteralExpr("false"), properties["allowSharedKeyAccess"]);
        Assert.Equal(new LiteralExpr("false"), properties["allowBlobPublicAccess"]);
        Assert.Equal("TLS1_2", Assert.IsType<StringExpr>(properties["minimumTlsVersion"]).Value);
    }

    [Fact]
    public void EventGridTopic_CloudEvents_LocalAuthDisabled()
    {
        ObjectExpr properties = PropertiesOf("modules/eventgrid.bicep", "Microsoft.EventGrid/topics");
        Assert.Equal("CloudEventSchemaV1_0", Assert.IsType<StringExpr>(properties["inputSchema"]).Value);
        Assert.Equal(new LiteralExpr("true"), properties["disableLocalAuth"]);
    }

    [Fact]
    public void KeyVault_UsesRbac()
    {
        ObjectExpr properties = PropertiesOf("modules/keyvault.bicep", "Microsoft.KeyVault/vaults");
        Assert.Equal(new LiteralExpr("true"), properties["enableRbacAuthorization"]);
    }

    [Fact]
    public void FunctionApp_Flex_DotnetIsolatedRuntimeFromParameter_PackageWithIdentity()
    {
        BicepFile module = Templates.Module("modules/functionapp.bicep");
        ObjectExpr site = ResourceBody(module, "Microsoft.Web/sites");
        Assert.Contains("linux", Assert.IsType<StringExpr>(site["kind"]).Value!, StringComparison.Ordinal);
        Assert.Equal("UserAssigned", Assert.IsType<StringExpr>(Assert.IsType<ObjectExpr>(site["identity"])["type"]).Value);
        ObjectExpr properties = Assert.IsType<ObjectExpr>(site["properties"]);

        // functionAppConfig only on Flex Consumption: isFlexConsumption ? {...} : null
        TernaryExpr config = Assert.IsType<TernaryExpr>(properties["functionAppConfig"]);
        Assert.Equal(new IdentExpr("isFlexConsumption"), config.Condition);
        Assert.Equal(new LiteralExpr("null"), config.WhenFalse);
        ObjectExpr flex = Assert.IsType<ObjectExpr>(config.WhenTrue);

        ObjectExpr runtime = Assert.IsType<ObjectExpr>(flex["runtime"]);
        Assert.Equal("dotnet-isolated", Assert.IsType<StringExpr>(runtime["name"]).Value);
        Assert.Equal(new IdentExpr("runtimeVersion"), runtime["version"]);

        ObjectExpr storage = Assert.IsType<ObjectExpr>(Assert.IsType<ObjectExpr>(flex["deployment"])["storage"]);
        Assert.Equal("blobContainer", Assert.IsType<StringExpr>(storage["type"]).Value);
        ObjectExpr authentication = Assert.IsType<ObjectExpr>(storage["authentication"]);
        Assert.Equal("UserAssignedIdentity", Assert.IsType<StringExpr>(authentication["type"]).Value);

        ObjectExpr scale = Assert.IsType<ObjectExpr>(flex["scaleAndConcurrency"]);
        Assert.NotNull(scale["instanceMemoryMB"]);
        Assert.NotNull(scale["maximumInstanceCount"]);

        // Elastic Premium takes the same stack and version from linuxFxVersion; Flex from functionAppConfig alone.
        TernaryExpr linuxFx = Assert.IsType<TernaryExpr>(Assert.IsType<ObjectExpr>(properties["siteConfig"])["linuxFxVersion"]);
        Assert.Equal(new IdentExpr("isFlexConsumption"), linuxFx.Condition);
        Assert.Equal(new LiteralExpr("null"), linuxFx.WhenTrue);
        StringExpr stack = Assert.IsType<StringExpr>(linuxFx.WhenFalse);
        Assert.Equal("DOTNET-ISOLATED|${0}", stack.Template);
        Assert.Equal([new IdentExpr("runtimeVersion")], stack.Holes);

        // The template's hosting choice: Flex Consumption by default, Elastic Premium allowed.
        ParamDecl plan = Assert.Single(Templates.Main.Params, p => p.Name == "hostingPlan");
        Assert.Equal("FlexConsumption", Assert.IsType<StringExpr>(plan.Default).Value);
        Decorator allowed = Assert.Single(plan.Decorators, d => d.Name == "allowed");
        Assert.Equal(["FlexConsumption", "ElasticPremium"], Assert.IsType<ArrayExpr>(allowed.Args[0]).Items.Select(i => ((StringExpr)i).Value));
        Assert.Equal(new IdentExpr("runtimeVersion"), Assert.Single(Templates.Main.Modules, m => m.Path == "modules/functionapp.bicep").Params!["runtimeVersion"]);
    }

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("modules/functionapp.bicep")]
    public void RuntimeVersion_DefaultsToTheTargetFrameworksMajorMinor_AndRefusesAMajorAlone(string file)
    {
        ParamDecl version = Assert.Single(Templates.Module(file).Params, p => p.Name == "runtimeVersion");
        string expected = TargetFrameworkVersion();
        Assert.Equal(expected, Assert.IsType<StringExpr>(version.Default).Value);
        Assert.Null(ParamRules.Refusal(version, expected));

        // "10" deploys and the host never starts (FUNCTIONS-HOST.md, "Flex Consumption, in Bicep"): it must not get that far.
        string major = expected.Split('.')[0];
        Assert.NotNull(ParamRules.Refusal(version, major));
        Assert.NotNull(ParamRules.Refusal(version, "v" + expected));
        Assert.NotNull(ParamRules.Refusal(version, expected + ".0"));
        foreach (ArrayExpr allowed in version.Decorators.Where(d => d.Name == "allowed").Select(d => Assert.IsType<ArrayExpr>(d.Args[0])))
        {
            Assert.All(allowed.Items, v => Assert.Matches(@"^\d+\.\d+$", Assert.IsType<StringExpr>(v).Value!));
        }
    }

    [Fact]
    public void RuntimeVersion_BicepParamFallback_IsAccepted()
    {
        BicepFile parameters = BicepFile.Load(Path.Combine(RepoPaths.Bicep, "main.bicepparam"));
        CallExpr read = Assert.IsType<CallExpr>(parameters.ParamAssignments["runtimeVersion"]);
        Assert.Equal("readEnvironmentVariable", read.FunctionName);
        string fallback = Assert.IsType<StringExpr>(read.Args[1]).Value!;
        ParamDecl version = Assert.Single(Templates.Main.Params, p => p.Name == "runtimeVersion");
        Assert.Null(ParamRules.Refusal(version, fallback));
    }

    [Fact]
    public void ParamRules_RefuseWhatDecoratorsRefuse()
    {
        // The refusal check itself must be able to refuse, or the runtime-version tests above prove nothing.
        BicepFile probe = BicepParser.ParseFile("probe.bicep", """
            @allowed([
              '10.0'
            ])
            @minLength(2)
            param version string = '10.0'
            """);
        ParamDecl version = Assert.Single(probe.Params);
        Assert.Null(ParamRules.Refusal(version, "10.0"));
        Assert.Contains("@allowed", ParamRules.Refusal(version, "10"), StringComparison.Ordinal);
        Assert.Contains("@minLength", ParamRules.Refusal(BicepParser.ParseFile("p.bicep", "@minLength(2)\nparam v string\n").Params[0], "1"), StringComparison.Ordinal);
    }

    [Fact]
    public void StorageAccount_CreatesTheQueuesItIsGiven()
    {
        BicepFile module = Templates.Module("modules/storage.bicep");
        ResolvedResource queues = Assert.Single(module.AllResources(), r => r.FullType.Equals("Microsoft.Storage/storageAccounts/queueServices/queues", StringComparison.OrdinalIgnoreCase));
        ForExpr loop = Assert.IsType<ForExpr>(queues.Declaration.Body);
        Assert.Equal(new IdentExpr("queueNames"), loop.Source);
        Assert.Equal(new IdentExpr(loop.Item), queues.Declaration.Object!["name"]);
        Assert.Equal([new IdentExpr("deliveriesQueueName")], Assert.IsType<ArrayExpr>(StorageModuleParams()["queueNames"]).Items);
        Assert.Equal("deliveries", Assert.IsType<StringExpr>(Templates.Main.Variable("deliveriesQueueName").Value).Value);
    }

    [Fact]
    public void EventSubscription_WritesToAStorageQueueWithTheTopicsIdentity_AndDeadLettersWithIt()
    {
        BicepFile module = Templates.Module("modules/eventsubscription.bicep");
        ResolvedResource subscription = Assert.Single(module.AllResources(), r => !r.Declaration.Existing);
        Assert.Equal("Microsoft.EventGrid/topics/eventSubscriptions", subscription.FullType);
        ResolvedResource topic = Assert.Single(module.AllResources(), r => r.Declaration.Existing);
        Assert.Equal("Microsoft.EventGrid/topics", topic.FullType);
        Assert.Equal(new IdentExpr(topic.Declaration.Symbol), subscription.Declaration.Object!["parent"]);
        ObjectExpr properties = Assert.IsType<ObjectExpr>(subscription.Declaration.Object!["properties"]);

        Assert.Equal("CloudEventSchemaV1_0", Assert.IsType<StringExpr>(properties["eventDeliverySchema"]).Value);
        Assert.Null(properties["destination"]); // delivery goes only through the identity, never a key or SAS

        ObjectExpr delivery = Assert.IsType<ObjectExpr>(properties["deliveryWithResourceIdentity"]);
        Assert.Equal("SystemAssigned", Assert.IsType<StringExpr>(Assert.IsType<ObjectExpr>(delivery["identity"])["type"]).Value);
        ObjectExpr destination = Assert.IsType<ObjectExpr>(delivery["destination"]);
        Assert.Equal("StorageQueue", Assert.IsType<StringExpr>(destination["endpointType"]).Value);
        ObjectExpr queue = Assert.IsType<ObjectExpr>(destination["properties"]);
        Assert.Equal(new IdentExpr("storageAccountResourceId"), queue["resourceId"]);
        Assert.Equal(new IdentExpr("queueName"), queue["queueName"]);

        Assert.Equal(new IdentExpr("includedEventTypes"), Assert.IsType<ObjectExpr>(properties["filter"])["includedEventTypes"]);

        Assert.Null(properties["deadLetterDestination"]);
        ObjectExpr deadLetter = Assert.IsType<ObjectExpr>(properties["deadLetterWithResourceIdentity"]);
        Assert.Equal("SystemAssigned", Assert.IsType<StringExpr>(Assert.IsType<ObjectExpr>(deadLetter["identity"])["type"]).Value);
        ObjectExpr blob = Assert.IsType<ObjectExpr>(deadLetter["deadLetterDestination"]);
        Assert.Equal("StorageBlob", Assert.IsType<StringExpr>(blob["endpointType"]).Value);
        Assert.Equal(new IdentExpr("deadLetterContainerName"), Assert.IsType<ObjectExpr>(blob["properties"])["blobContainerName"]);
    }

    [Fact]
    public void Main_DeliverySubscription_FeedsTheDeliveriesQueueWithEveryChangeEvent()
    {
        ObjectExpr args = Assert.Single(Templates.Main.Modules, m => m.Path == "modules/eventsubscription.bicep").Params!;
        Assert.Equal(new MemberExpr(new MemberExpr(new IdentExpr("eventGrid"), "outputs"), "name"), args["topicName"]);
        Assert.Equal(new MemberExpr(new MemberExpr(new IdentExpr("storage"), "outputs"), "resourceId"), args["storageAccountResourceId"]);
        Assert.Equal(new IdentExpr("deliveriesQueueName"), args["queueName"]);
        Assert.Equal(new IdentExpr("deadLetterContainerName"), args["deadLetterContainerName"]);
        Assert.Contains(new IdentExpr("deadLetterContainerName"), Assert.IsType<ArrayExpr>(StorageModuleParams()["containerNames"]).Items);

        // Exactly the change events the code emits (their constants, wherever they live), Finding.* and internal types excluded.
        Assert.Equal(new IdentExpr("changeEventTypes"), args["includedEventTypes"]);
        string[] subscribed = [.. Assert.IsType<ArrayExpr>(Templates.Main.Variable("changeEventTypes").Value).Items.Select(i => Assert.IsType<StringExpr>(i).Value!).Order(StringComparer.Ordinal)];
        string[] emitted = [.. ProductAssemblies.StringConstants().Where(c => ChangeEventType().IsMatch(c)).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(7, emitted.Length);
        Assert.Equal(emitted, subscribed);
    }

    [Fact]
    public void Main_StorageRoles_AppGetsBlobOwnerQueueAndTableContributor_TopicGetsQueueMessageSender()
    {
        ObjectExpr roles = Assert.IsType<ObjectExpr>(Templates.Main.Variable("roles").Value);
        var granted = new HashSet<(string Principal, string Role)>();
        foreach (BicepExpr item in Assert.IsType<ArrayExpr>(StorageModuleParams()["roleAssignments"]).Items)
        {
            ObjectExpr assignment = Assert.IsType<ObjectExpr>(item);
            MemberExpr principal = Assert.IsType<MemberExpr>(assignment["principalId"]);
            string module = Assert.IsType<IdentExpr>(Assert.IsType<MemberExpr>(principal.Target).Target).Name;
            MemberExpr role = Assert.IsType<MemberExpr>(assignment["roleDefinitionId"]);
            Assert.Equal(new IdentExpr("roles"), role.Target);
            string id = Assert.IsType<StringExpr>(roles[role.Name]).Value!;
            Assert.True(BuiltInRoles.TryGetValue(id, out string? name), $"main.bicep's roles.{role.Name} ({id}) is not a role this test knows.");
            granted.Add((module, name!));
        }

        Assert.Superset(
            new HashSet<(string, string)>
            {
                ("identity", "Storage Blob Data Owner"),
                ("identity", "Storage Queue Data Contributor"),
                ("identity", "Storage Table Data Contributor"),
                ("eventGrid", "Storage Queue Data Message Sender"),
                ("eventGrid", "Storage Blob Data Contributor"),
            },
            granted);
    }

    [Fact]
    public void Main_RoleNames_MatchTheirBuiltInRoleIds()
    {
        // roles.storageQueueDataMessageSender must hold that role's id, not a neighbour's.
        foreach (ObjectProperty role in Assert.IsType<ObjectExpr>(Templates.Main.Variable("roles").Value).Properties)
        {
            string id = Assert.IsType<StringExpr>(role.Value).Value!;
            Assert.True(BuiltInRoles.TryGetValue(id, out string? name), $"roles.{role.Key} ({id}) is not a role this test knows.");
            Assert.Equal(name!.Replace(" ", "", StringComparison.Ordinal), role.Key, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Main_Outputs_NameUrlTopicEndpointAndPrincipal()
    {
        string[] outputs = [.. Templates.Main.Outputs.Select(o => o.Name)];
        Assert.Superset(new HashSet<string> { "FUNCTION_APP_NAME", "FUNCTION_APP_URL", "EVENT_GRID_TOPIC_ENDPOINT", "IDENTITY_PRINCIPAL_ID" }, new HashSet<string>(outputs));
    }

    [Fact]
    public void Deployment_HasNoCustomHandlerAndNoPostDeployScript()
    {
        // Everything the app needs exists after provisioning; code deploy adds nothing (no subscription script).
        Assert.Equal(["ensure-secrets.sh"], Directory.EnumerateFiles(RepoPaths.InRoot("infra", "scripts")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string[] files = [.. Directory.EnumerateFiles(RepoPaths.Bicep, "*.bicep*", SearchOption.AllDirectories), RepoPaths.InRoot("azure.yaml"), RepoPaths.InRoot("scripts", "package.sh"), RepoPaths.InRoot("local.settings.sample.json")];
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            foreach (string stale in new[] { "customHandler", "custom handler", "FUNCTIONS_CUSTOMHANDLER", "'custom'", "\"custom\"", "subscribe-deliver", "--self-contained", "linux-x64", "PublishReadyToRun" })
            {
                Assert.False(text.Contains(stale, StringComparison.OrdinalIgnoreCase), $"{Path.GetRelativePath(RepoPaths.Root, file)} still mentions '{stale}'.");
            }
        }
    }

    /// <summary>"10.0" for net10.0: the functions project's TargetFramework, or Directory.Build.props's.</summary>
    internal static string TargetFrameworkVersion()
    {
        foreach (string file in new[] { RepoPaths.InRoot("functions", "ServerlessDiscovery.Functions", "ServerlessDiscovery.Functions.csproj"), RepoPaths.InRoot("Directory.Build.props") })
        {
            Match match = TargetFramework().Match(File.ReadAllText(file));
            if (match.Success)
            {
                return match.Groups["version"].Value;
            }
        }

        throw new InvalidOperationException("No <TargetFramework>netX.Y</TargetFramework> in the functions project or Directory.Build.props.");
    }

    private static ObjectExpr StorageModuleParams() =>
        Assert.Single(Templates.Main.Modules, m => m.Path == "modules/storage.bicep").Params!;

    [GeneratedRegex(@"<TargetFramework>net(?<version>\d+\.\d+)</TargetFramework>")]
    private static partial Regex TargetFramework();

    [GeneratedRegex(@"^ServerlessDiscovery\.(Asset|Scan)\.[A-Z][A-Za-z]+$")]
    private static partial Regex ChangeEventType();

    internal static ObjectExpr ResourceBody(BicepFile file, string type) =>
        Assert.Single(file.AllResources(), r => string.Equals(r.FullType, type, StringComparison.OrdinalIgnoreCase)).Declaration.Object!;

    private static ObjectExpr PropertiesOf(string file, string type) =>
        Assert.IsType<ObjectExpr>(ResourceBody(Templates.Module(file), type)["properties"]);

    /// <summary>
    /// The paths under <paramref name="property"/> that the type does not have. A key the catalogue lacks is accepted
    /// as a map key when the parent is a map (path ending in "*"). Only object literals are followed (through ternaries);
    /// values built with union(), variables or parameters are not.
    /// </summary>
    private static IEnumerable<string> InvalidPaths(ObjectProperty property, string prefix, int depth, IReadOnlySet<string> paths)
    {
        string next;
        if (property.Key is not null && paths.Contains(prefix + property.Key))
        {
            next = prefix + property.Key + ".";
        }
        else if (paths.Contains(prefix + "*"))
        {
            next = prefix + "*.";
        }
        else
        {
            yield return prefix + (property.Key ?? "${...}");
            yield break;
        }

        if (depth >= ResourceCatalogue.Depth)
        {
            yield break;
        }

        foreach (ObjectExpr value in ObjectAlternatives(property.Value))
        {
            foreach (ObjectProperty child in value.Properties)
            {
                foreach (string invalid in InvalidPaths(child, next, depth + 1, paths))
                {
                    yield return invalid;
                }
            }
        }
    }

    private static IEnumerable<ObjectExpr> ObjectAlternatives(BicepExpr value) => value switch
    {
        ObjectExpr o => [o],
        TernaryExpr t => ObjectAlternatives(t.WhenTrue).Concat(ObjectAlternatives(t.WhenFalse)),
        _ => [],
    };
}
