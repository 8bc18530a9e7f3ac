using ServerlessDiscovery.Infra.Tests.Bicep;

namespace ServerlessDiscovery.Infra.Tests;

/// <summary>
/// main.bicep against its modules and main.bicepparam against main.bicep.
/// Not checked (needs the compiler): parameter and output types, @allowed values, and whether an argument's
/// value is available at the time it is needed.
/// </summary>
public sealed class BicepModuleWiringTests
{
    [Fact]
    public void Modules_RequiredParamsSupplied_AndOnlyDeclaredParamsPassed()
    {
        BicepFile main = Templates.Main;
        Assert.NotEmpty(main.Modules);
        foreach (ModuleDecl module in main.Modules)
        {
            BicepFile target = Templates.Module(module.Path);
            ObjectExpr supplied = module.Params ?? new ObjectExpr([], []);
            string[] passed = [.. supplied.Properties.Select(p => p.Key ?? "${...}")];
            string[] missing = [.. target.Params.Where(p => p.IsRequired && !passed.Contains(p.Name)).Select(p => p.Name)];
            string[] unknown = [.. passed.Where(p => target.Params.All(d => d.Name != p))];
            Assert.True(missing.Length == 0, $"module {module.Symbol} ({module.Path}) is not given its required params: {string.Join(", ", missing)}");
            Assert.True(unknown.Length == 0, $"module {module.Symbol} ({module.Path}) is given params it does not declare: {string.Join(", ", unknown)}");
        }
    }

    [Fact]
    public void Modules_OutputsUsed_AreDeclared()
    {
        BicepFile main = Templates.Main;
        var modules = main.Modules.ToDictionary(m => m.Symbol, m => Templates.Module(m.Path), StringComparer.Ordinal);
        var used = main.AllExpressions()
            .Select(e => e switch
            {
                MemberExpr { Target: MemberExpr { Target: IdentExpr module, Name: "outputs" }, Name: var output } => (module.Name, Output: output),
                IndexExpr { Target: MemberExpr { Target: IdentExpr module, Name: "outputs" }, Index: StringExpr { Value: { } output } } => (module.Name, Output: output),
                _ => default,
            })
            .Where(x => x.Name is not null)
            .Distinct()
            .ToList();
        Assert.NotEmpty(used);
        foreach ((string module, string output) in used)
        {
            Assert.True(modules.ContainsKey(module), $"main.bicep reads {module}.outputs.{output}, but {module} is not a module.");
            Assert.True(modules[module].Outputs.Any(o => o.Name == output), $"main.bicep reads {module}.outputs.{output}, which {main.Modules.Single(m => m.Symbol == module).Path} does not declare.");
        }
    }

    [Fact]
    public void Modules_ExposeNameAndResourceId()
    {
        foreach (ModuleDecl module in Templates.Main.Modules)
        {
            string[] outputs = [.. Templates.Module(module.Path).Outputs.Select(o => o.Name)];
            Assert.Contains("name", outputs);
            Assert.Contains("resourceId", outputs);
        }
    }

    [Fact]
    public void BicepParam_UsesMain_AssignsDeclaredParams_AndEveryRequiredOne()
    {
        BicepFile parameters = BicepFile.Load(Path.Combine(RepoPaths.Bicep, "main.bicepparam"));
        Assert.Equal("main.bicep", parameters.Using);
        BicepFile main = Templates.Main;
        foreach (string name in parameters.ParamAssignments.Keys)
        {
            Assert.True(main.Params.Any(p => p.Name == name), $"main.bicepparam sets {name}, which main.bicep does not declare.");
        }

        foreach (ParamDecl required in main.Params.Where(p => p.IsRequired))
        {
            Assert.True(parameters.ParamAssignments.ContainsKey(required.Name), $"main.bicepparam does not set main.bicep's required param {required.Name}.");
        }
    }

    [Fact]
    public void Parser_ReadsModulesParamsAndOutputs()
    {
        // The reader's own behaviour on a small template, so the checks above cannot pass by reading nothing.
        BicepFile file = BicepParser.ParseFile("probe.bicep", """
            targetScope = 'subscription'
            @description('Required. A name.')
            param name string
            param count int = 2
            var names = [for i in range(0, count): '${name}-${i}']
            module m 'modules/x.bicep' = if (count > 1) {
              name: 'm'
              params: {
                value: m2.outputs.id
              }
            }
            resource parent 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
              name: name
              resource child 'blobServices' = {
                name: 'default'
              }
            }
            output id string = m.outputs['id']
            """);
        Assert.Equal("subscription", file.TargetScope);
        Assert.True(Assert.Single(file.Params, p => p.Name == "name").IsRequired);
        Assert.False(Assert.Single(file.Params, p => p.Name == "count").IsRequired);
        Assert.Equal("modules/x.bicep", Assert.Single(file.Modules).Path);
        Assert.Equal(["Microsoft.Storage/storageAccounts@2025-01-01", "Microsoft.Storage/storageAccounts/blobServices@2025-01-01"],
            file.AllResources().Select(r => $"{r.FullType}@{r.ApiVersion}"));
        Assert.True(file.Resources[0].Existing);
        Assert.Contains(new MemberExpr(new MemberExpr(new IdentExpr("m2"), "outputs"), "id"), file.AllExpressions());
        Assert.Throws<FormatException>(() => BicepParser.ParseFile("bad.bicep", "func f() string => 'x'\n"));
    }
}
