namespace ServerlessDiscovery.Infra.Tests.Bicep;

/// <summary>One parsed .bicep or .bicepparam file.</summary>
internal sealed class BicepFile
{
    public required string Path { get; init; }

    public string? TargetScope { get; set; }

    /// <summary>The template a .bicepparam file applies to (its using '...').</summary>
    public string? Using { get; set; }

    public List<ParamDecl> Params { get; } = [];

    /// <summary>param name = value lines of a .bicepparam file.</summary>
    public Dictionary<string, BicepExpr> ParamAssignments { get; } = new(StringComparer.Ordinal);

    public List<VarDecl> Variables { get; } = [];

    public List<ResourceDecl> Resources { get; } = [];

    public List<ModuleDecl> Modules { get; } = [];

    public List<OutputDecl> Outputs { get; } = [];

    public static BicepFile Load(string path) => BicepParser.ParseFile(path, File.ReadAllText(path));

    public VarDecl Variable(string name) =>
        Variables.SingleOrDefault(v => v.Name == name) ?? throw new InvalidOperationException($"{System.IO.Path.GetFileName(Path)} declares no variable '{name}'.");

    /// <summary>Every resource, children included, with full types and inherited API versions.</summary>
    public IEnumerable<ResolvedResource> AllResources()
    {
        foreach (ResourceDecl resource in Resources)
        {
            foreach (ResolvedResource resolved in Resolve(resource, null))
            {
                yield return resolved;
            }
        }
    }

    /// <summary>The object a declaration body stands for, through [for ...] and if (...).</summary>
    public static ObjectExpr? Unwrap(BicepExpr body) => body switch
    {
        ObjectExpr o => o,
        ForExpr f => Unwrap(f.Body),
        IfExpr i => Unwrap(i.Body),
        _ => null,
    };

    /// <summary>Every expression in the file, depth first (declarations, bodies, string holes, nested resources).</summary>
    public IEnumerable<BicepExpr> AllExpressions()
    {
        IEnumerable<BicepExpr> roots = Params.Where(p => p.Default is not null).Select(p => p.Default!)
            .Concat(Params.SelectMany(p => p.Decorators.SelectMany(d => d.Args)))
            .Concat(ParamAssignments.Values)
            .Concat(Variables.Select(v => v.Value))
            .Concat(Resources.Select(r => r.Body))
            .Concat(Modules.Select(m => m.Body))
            .Concat(Outputs.Select(o => o.Value));
        return roots.SelectMany(Descendants);
    }

    public static IEnumerable<BicepExpr> Descendants(BicepExpr expr)
    {
        yield return expr;
        IEnumerable<BicepExpr> children = expr switch
        {
            ObjectExpr o => o.Properties.SelectMany(p => p.KeyExpr is null ? [p.Value] : new[] { p.KeyExpr, p.Value })
                .Concat(o.Resources.Select(r => r.Body)),
            ArrayExpr a => a.Items,
            StringExpr s => s.Holes,
            MemberExpr m => [m.Target],
            IndexExpr i => [i.Target, i.Index],
            CallExpr c => c.Args.Prepend(c.Target),
            TernaryExpr t => [t.Condition, t.WhenTrue, t.WhenFalse],
            BinaryExpr b => [b.Left, b.Right],
            UnaryExpr u => [u.Operand],
            ForExpr f => [f.Source, f.Body],
            IfExpr i => [i.Condition, i.Body],
            _ => [],
        };
        foreach (BicepExpr child in children)
        {
            foreach (BicepExpr d in Descendants(child))
            {
                yield return d;
            }
        }
    }

    private static IEnumerable<ResolvedResource> Resolve(ResourceDecl resource, ResolvedResource? parent)
    {
        string fullType;
        string? version = resource.ApiVersion;
        if (parent is null || resource.Type.Contains('/', StringComparison.Ordinal) && resource.Type.Contains('.', StringComparison.Ordinal))
        {
            fullType = resource.Type;
        }
        else
        {
            fullType = parent.FullType + "/" + resource.Type;
            version ??= parent.ApiVersion;
        }

        if (version is null)
        {
            throw new FormatException($"Resource '{resource.Symbol}' ({fullType}) has no API version.");
        }

        var resolved = new ResolvedResource(resource, fullType, version);
        yield return resolved;
        foreach (ResourceDecl child in resource.Object?.Resources ?? [])
        {
            foreach (ResolvedResource r in Resolve(child, resolved))
            {
                yield return r;
            }
        }
    }
}
