namespace ServerlessDiscovery.Infra.Tests.Bicep;

/// <summary>An expression of the Bicep subset the reader understands.</summary>
internal abstract record BicepExpr;

/// <summary>{ key: value ... }, with the child resources declared inside it.</summary>
internal sealed record ObjectExpr(IReadOnlyList<ObjectProperty> Properties, IReadOnlyList<ResourceDecl> Resources) : BicepExpr
{
    public BicepExpr? this[string key] => Properties.FirstOrDefault(p => p.Key == key)?.Value;
}

/// <summary>One property; <see cref="Key"/> is null when the key is an interpolated string (a map key chosen at deploy time).</summary>
internal sealed record ObjectProperty(string? Key, BicepExpr? KeyExpr, BicepExpr Value);

internal sealed record ArrayExpr(IReadOnlyList<BicepExpr> Items) : BicepExpr;

/// <summary>A string; <see cref="Value"/> is set only when it has no ${...} holes; <see cref="Template"/> shows holes as ${0}, ${1}...</summary>
internal sealed record StringExpr(string? Value, string Template, IReadOnlyList<BicepExpr> Holes) : BicepExpr;

/// <summary>A number, true, false or null.</summary>
internal sealed record LiteralExpr(string Text) : BicepExpr;

internal sealed record IdentExpr(string Name) : BicepExpr;

internal sealed record MemberExpr(BicepExpr Target, string Name) : BicepExpr;

internal sealed record IndexExpr(BicepExpr Target, BicepExpr Index) : BicepExpr;

internal sealed record CallExpr(BicepExpr Target, IReadOnlyList<BicepExpr> Args) : BicepExpr
{
    public string? FunctionName => Target switch
    {
        IdentExpr i => i.Name,
        MemberExpr m => m.Name,
        _ => null,
    };
}

internal sealed record TernaryExpr(BicepExpr Condition, BicepExpr WhenTrue, BicepExpr WhenFalse) : BicepExpr;

internal sealed record BinaryExpr(string Operator, BicepExpr Left, BicepExpr Right) : BicepExpr;

internal sealed record UnaryExpr(string Operator, BicepExpr Operand) : BicepExpr;

/// <summary>[for item in source: body] or [for (item, index) in source: body].</summary>
internal sealed record ForExpr(string Item, string? Index, BicepExpr Source, BicepExpr Body) : BicepExpr;

/// <summary>A conditional resource or module body: if (condition) { ... }.</summary>
internal sealed record IfExpr(BicepExpr Condition, BicepExpr Body) : BicepExpr;

internal sealed record Decorator(string Name, IReadOnlyList<BicepExpr> Args);

internal sealed record ParamDecl(string Name, string? TypeName, bool Nullable, BicepExpr? Default, IReadOnlyList<Decorator> Decorators)
{
    public bool IsRequired => Default is null && !Nullable;

    public string? Description => Decorators.FirstOrDefault(d => d.Name == "description") is { Args: [StringExpr { Value: { } v }, ..] } ? v : null;
}

internal sealed record VarDecl(string Name, BicepExpr Value);

/// <summary>resource symbol 'type@version' [existing] = body. For a child declared inside its parent the type is relative.</summary>
internal sealed record ResourceDecl(string Symbol, string Type, string? ApiVersion, bool Existing, BicepExpr Body)
{
    /// <summary>The object the body declares, through a loop or a condition.</summary>
    public ObjectExpr? Object => BicepFile.Unwrap(Body);
}

internal sealed record ModuleDecl(string Symbol, string Path, BicepExpr Body)
{
    public ObjectExpr? Object => BicepFile.Unwrap(Body);

    public ObjectExpr? Params => Object?["params"] as ObjectExpr;
}

internal sealed record OutputDecl(string Name, string TypeName, BicepExpr Value);

/// <summary>A resource with its full type and API version resolved from its parents.</summary>
internal sealed record ResolvedResource(ResourceDecl Declaration, string FullType, string ApiVersion)
{
    public string CatalogueKey => $"{FullType}@{ApiVersion}".ToLowerInvariant();
}
