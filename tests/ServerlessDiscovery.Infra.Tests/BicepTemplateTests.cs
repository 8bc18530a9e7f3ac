using ServerlessDiscovery.Infra.Tests.Bicep;

namespace ServerlessDiscovery.Infra.Tests;

/// <summary>
/// The templates against the Azure resource type catalogue, and the conventions they follow.
/// What these checks cannot see (Bicep cannot be compiled here): value types and allowed values, properties
/// deeper than the catalogue's three levels, properties set through union()/variables/parameters rather than
/// object literals, and whether an expression is valid where it is used (deploy-time constants, scopes).
/// </summary>
public sealed class BicepTemplateTests
{
    // Bicep's own keys in a resource body, not properties of the resource type.
    private static readonly HashSet<string> DeclarationKeys = ["parent", "scope", "dependsOn"];

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
    public void FunctionApp_Flex_CustomRuntimeFromParameter_PackageWithIdentity()
    {
        BicepFile module = Templates.Module("modules/functionapp.bicep");
        ObjectExpr site = ResourceBody(module, "Microsoft.Web/sites");
        Assert.Contains("linux", Assert.IsType<StringExpr>(site["kind"]).Value!, StringComparison.Ordinal);
        Assert.Equal("UserAssigned", Assert.IsType<StringExpr>(Assert.IsType<ObjectExpr>(site["identity"])["type"]).Value);

        // functionAppConfig only on Flex Consumption: isFlexConsumption ? {...} : null
        TernaryExpr config = Assert.IsType<TernaryExpr>(Assert.IsType<ObjectExpr>(site["properties"])["functionAppConfig"]);
        Assert.Equal(new IdentExpr("isFlexConsumption"), config.Condition);
        Assert.Equal(new LiteralExpr("null"), config.WhenFalse);
        ObjectExpr flex = Assert.IsType<ObjectExpr>(config.WhenTrue);

        ObjectExpr runtime = Assert.IsType<ObjectExpr>(flex["runtime"]);
        Assert.Equal("custom", Assert.IsType<StringExpr>(runtime["name"]).Value);
        IdentExpr version = Assert.IsType<IdentExpr>(runtime["version"]);
        ParamDecl versionParam = Assert.Single(module.Params, p => p.Name == version.Name);
        Assert.Equal("1.0", Assert.IsType<StringExpr>(versionParam.Default).Value);

        ObjectExpr storage = Assert.IsType<ObjectExpr>(Assert.IsType<ObjectExpr>(flex["deployment"])["storage"]);
        Assert.Equal("blobContainer", Assert.IsType<StringExpr>(storage["type"]).Value);
        ObjectExpr authentication = Assert.IsType<ObjectExpr>(storage["authentication"]);
        Assert.Equal("UserAssignedIdentity", Assert.IsType<StringExpr>(authentication["type"]).Value);

        ObjectExpr scale = Assert.IsType<ObjectExpr>(flex["scaleAndConcurrency"]);
        Assert.NotNull(scale["instanceMemoryMB"]);
        Assert.NotNull(scale["maximumInstanceCount"]);

        // The template's hosting choice: Flex Consumption by default, Elastic Premium allowed.
        ParamDecl plan = Assert.Single(Templates.Main.Params, p => p.Name == "hostingPlan");
        Assert.Equal("FlexConsumption", Assert.IsType<StringExpr>(plan.Default).Value);
        Decorator allowed = Assert.Single(plan.Decorators, d => d.Name == "allowed");
        Assert.Equal(["FlexConsumption", "ElasticPremium"], Assert.IsType<ArrayExpr>(allowed.Args[0]).Items.Select(i => ((StringExpr)i).Value));
    }

    [Fact]
    public void Main_Outputs_NameUrlTopicEndpointAndPrincipal()
    {
        string[] outputs = [.. Templates.Main.Outputs.Select(o => o.Name)];
        Assert.Superset(new HashSet<string> { "FUNCTION_APP_NAME", "FUNCTION_APP_URL", "EVENT_GRID_TOPIC_ENDPOINT", "IDENTITY_PRINCIPAL_ID" }, new HashSet<string>(outputs));
    }

    [Fact]
    public void AzureYaml_ProvisionsInfraBicep_AndItsHookScriptsExist()
    {
        string yaml = File.ReadAllText(RepoPaths.InRoot("azure.yaml"));
        Assert.Contains("path: infra/bicep", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.Contains("postdeploy:", yaml, StringComparison.Ordinal);
        string[] scripts = [.. System.Text.RegularExpressions.Regex.Matches(yaml, @"run: bash (\S+)").Select(m => m.Groups[1].Value)];
        Assert.Contains("infra/scripts/subscribe-deliver.sh", scripts);
        Assert.Contains("scripts/package.sh", scripts);
        foreach (string script in scripts)
        {
            Assert.True(File.Exists(RepoPaths.InRoot(script)), $"azure.yaml runs {script}, which does not exist.");
        }
    }

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
