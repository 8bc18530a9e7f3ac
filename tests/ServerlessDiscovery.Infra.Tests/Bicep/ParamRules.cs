using System.Globalization;

namespace ServerlessDiscovery.Infra.Tests.Bicep;

/// <summary>
/// What Bicep does with a string value given to a param: its @allowed, @minLength and @maxLength decorators, so a
/// test can show that a value is refused before it reaches Azure. Other decorators are not evaluated.
/// </summary>
internal static class ParamRules
{
    /// <summary>Why <paramref name="value"/> is refused, or null when the decorators accept it.</summary>
    public static string? Refusal(ParamDecl param, string value)
    {
        foreach (Decorator decorator in param.Decorators)
        {
            switch (decorator.Name)
            {
                case "allowed":
                    string?[] allowed = [.. Assert.IsType<ArrayExpr>(decorator.Args[0]).Items.Select(i => (i as StringExpr)?.Value)];
                    if (!allowed.Contains(value, StringComparer.Ordinal))
                    {
                        return $"'{value}' is not one of @allowed({string.Join(", ", allowed.Select(a => $"'{a}'"))})";
                    }

                    break;
                case "minLength" when value.Length < Length(decorator):
                    return $"'{value}' is shorter than @minLength({Length(decorator)})";
                case "maxLength" when value.Length > Length(decorator):
                    return $"'{value}' is longer than @maxLength({Length(decorator)})";
            }
        }

        return null;
    }

    private static int Length(Decorator decorator) =>
        int.Parse(Assert.IsType<LiteralExpr>(decorator.Args[0]).Text, CultureInfo.InvariantCulture);
}
