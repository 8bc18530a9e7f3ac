using System.Globalization;
using System.Text;

namespace ServerlessDiscovery.Infra.Tests.Bicep;

/// <summary>
/// Reads the Bicep subset our templates use: targetScope, param (with decorators), var, resource (nested children,
/// existing, [for ...], if (...)), module, output, and a .bicepparam's using/param lines; expressions with strings and
/// interpolation, objects, arrays, member/index access, calls, ternaries, unary and binary operators.
/// Anything else (type, func, import, lambdas...) throws, so a template the reader does not understand fails the
/// checks instead of slipping past them. It does not type-check: it reads structure, not meaning.
/// </summary>
internal sealed class BicepParser
{
    private readonly List<Token> _tokens;
    private readonly string _source;
    private int _pos;

    private BicepParser(string source, string name)
    {
        _source = name;
        _tokens = Lexer.Tokenize(source, name);
    }

    public static BicepFile ParseFile(string path, string text)
    {
        var parser = new BicepParser(text, Path.GetFileName(path));
        var file = new BicepFile { Path = path };
        parser.ParseDeclarations(file);
        return file;
    }

    private static BicepExpr ParseFragment(string text, string name)
    {
        var parser = new BicepParser(text, name);
        BicepExpr expr = parser.ParseExpression();
        parser.SkipNewLines();
        parser.Expect(TokenKind.End);
        return expr;
    }

    private Token Current => _tokens[_pos];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)];

    private void ParseDeclarations(BicepFile file)
    {
        var decorators = new List<Decorator>();
        while (true)
        {
            SkipNewLines();
            Token t = Current;
            if (t.Kind == TokenKind.End)
            {
                break;
            }

            if (t.IsSymbol("@"))
            {
                decorators.Add(ParseDecorator());
                continue;
            }

            string keyword = ExpectIdent();
            switch (keyword)
            {
                case "targetScope":
                    ExpectSymbol("=");
                    file.TargetScope = ExpectStringValue();
                    break;
                case "using":
                    file.Using = ExpectStringValue();
                    break;
                case "param":
                    ParseParam(file, decorators);
                    break;
                case "var":
                {
                    string name = ExpectIdent();
                    ExpectSymbol("=");
                    file.Variables.Add(new VarDecl(name, ParseExpression()));
                    break;
                }

                case "resource":
                    file.Resources.Add(ParseResource());
                    break;
                case "module":
                {
                    string symbol = ExpectIdent();
                    string path = ExpectStringValue();
                    ExpectSymbol("=");
                    file.Modules.Add(new ModuleDecl(symbol, path, ParseDeclarationBody()));
                    break;
                }

                case "output":
                {
                    string name = ExpectIdent();
                    string type = ExpectIdent();
                    ExpectSymbol("=");
                    file.Outputs.Add(new OutputDecl(name, type, ParseExpression()));
                    break;
                }

                default:
                    throw Error(t, $"unsupported declaration '{keyword}'");
            }

            decorators = [];
            ExpectEndOfLine();
        }
    }

    private void ParseParam(BicepFile file, List<Decorator> decorators)
    {
        string name = ExpectIdent();
        if (Current.IsSymbol("="))
        {
            // .bicepparam: param name = value
            Advance();
            file.ParamAssignments[name] = ParseExpression();
            return;
        }

        string type = ExpectIdent();
        bool nullable = false;
        if (Current.IsSymbol("?"))
        {
            Advance();
            nullable = true;
        }

        BicepExpr? defaultValue = null;
        if (Current.IsSymbol("="))
        {
            Advance();
            defaultValue = ParseExpression();
        }

        file.Params.Add(new ParamDecl(name, type, nullable, defaultValue, decorators));
    }

    private Decorator ParseDecorator()
    {
        ExpectSymbol("@");
        string name = ExpectIdent();
        if (Current.IsSymbol("."))
        {
            // @sys.description(...)
            Advance();
            name = ExpectIdent();
        }

        var args = new List<BicepExpr>();
        if (Current.IsSymbol("("))
        {
            args.AddRange(ParseArguments());
        }

        return new Decorator(name, args);
    }

    private ResourceDecl ParseResource()
    {
        string symbol = ExpectIdent();
        string typeAndVersion = ExpectStringValue();
        bool existing = false;
        if (Current.Kind == TokenKind.Ident && Current.Text == "existing")
        {
            Advance();
            existing = true;
        }

        ExpectSymbol("=");
        BicepExpr body = ParseDeclarationBody();
        int at = typeAndVersion.IndexOf('@', StringComparison.Ordinal);
        return at < 0
            ? new ResourceDecl(symbol, typeAndVersion, null, existing, body)
            : new ResourceDecl(symbol, typeAndVersion[..at], typeAndVersion[(at + 1)..], existing, body);
    }

    /// <summary>{...}, [for ...: {...}] or if (cond) {...}.</summary>
    private BicepExpr ParseDeclarationBody()
    {
        if (Current.Kind == TokenKind.Ident && Current.Text == "if")
        {
            Advance();
            ExpectSymbol("(");
            SkipNewLines();
            BicepExpr condition = ParseExpression();
            SkipNewLines();
            ExpectSymbol(")");
            return new IfExpr(condition, ParseObject());
        }

        return ParseExpression();
    }

    public BicepExpr ParseExpression()
    {
        BicepExpr condition = ParseBinary(0);
        if (!Current.IsSymbol("?"))
        {
            return condition;
        }

        Advance();
        SkipNewLines();
        BicepExpr whenTrue = ParseExpression();
        SkipNewLines();
        ExpectSymbol(":");
        SkipNewLines();
        BicepExpr whenFalse = ParseExpression();
        return new TernaryExpr(condition, whenTrue, whenFalse);
    }

    private static readonly string[][] Precedence =
    [
        ["??"],
        ["||"],
        ["&&"],
        ["==", "!=", "=~", "!~"],
        ["<", ">", "<=", ">="],
        ["+", "-"],
        ["*", "/", "%"],
    ];

    private BicepExpr ParseBinary(int level)
    {
        if (level == Precedence.Length)
        {
            return ParseUnary();
        }

        BicepExpr left = ParseBinary(level + 1);
        while (Current.Kind == TokenKind.Symbol && Precedence[level].Contains(Current.Text))
        {
            string op = Current.Text;
            Advance();
            SkipNewLines();
            left = new BinaryExpr(op, left, ParseBinary(level + 1));
        }

        return left;
    }

    private BicepExpr ParseUnary()
    {
        if (Current.IsSymbol("!") || Current.IsSymbol("-"))
        {
            string op = Current.Text;
            Advance();
            return new UnaryExpr(op, ParseUnary());
        }

        return ParsePostfix(ParsePrimary());
    }

    private BicepExpr ParsePostfix(BicepExpr expr)
    {
        while (true)
        {
            if (Current.IsSymbol(".") || Current.IsSymbol(".?"))
            {
                Advance();
                expr = new MemberExpr(expr, ExpectIdent());
            }
            else if (Current.IsSymbol("[") || Current.IsSymbol("[?"))
            {
                Advance();
                SkipNewLines();
                BicepExpr index = ParseExpression();
                SkipNewLines();
                ExpectSymbol("]");
                expr = new IndexExpr(expr, index);
            }
            else if (Current.IsSymbol("(") && expr is IdentExpr or MemberExpr)
            {
                expr = new CallExpr(expr, ParseArguments());
            }
            else if (Current.IsSymbol("!") && Peek().Kind != TokenKind.Ident)
            {
                // non-null assertion: value!
                Advance();
            }
            else
            {
                return expr;
            }
        }
    }

    private List<BicepExpr> ParseArguments()
    {
        ExpectSymbol("(");
        var args = new List<BicepExpr>();
        SkipNewLines();
        while (!Current.IsSymbol(")"))
        {
            args.Add(ParseExpression());
            SkipNewLines();
            if (Current.IsSymbol(","))
            {
                Advance();
                SkipNewLines();
            }
            else if (!Current.IsSymbol(")"))
            {
                throw Error(Current, "expected ',' or ')' in arguments");
            }
        }

        Advance();
        return args;
    }

    private BicepExpr ParsePrimary()
    {
        Token t = Current;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new LiteralExpr(t.Text);
            case TokenKind.String:
                Advance();
                return MakeString(t);
            case TokenKind.Ident when Peek().IsSymbol("=>"):
                throw Error(t, "lambdas are not supported");
            case TokenKind.Ident:
                Advance();
                return t.Text is "true" or "false" or "null" ? new LiteralExpr(t.Text) : new IdentExpr(t.Text);
            case TokenKind.Symbol when t.Text == "{":
                return ParseObject();
            case TokenKind.Symbol when t.Text == "[":
                return ParseArrayOrFor();
            case TokenKind.Symbol when t.Text == "(":
            {
                Advance();
                SkipNewLines();
                BicepExpr inner = ParseExpression();
                SkipNewLines();
                ExpectSymbol(")");
                return inner;
            }

            default:
                throw Error(t, $"unexpected '{t.Text}'");
        }
    }

    private StringExpr MakeString(Token t)
    {
        if (t.Holes.Count == 0)
        {
            return new StringExpr(t.Text, t.Text, []);
        }

        return new StringExpr(null, t.Text, [.. t.Holes.Select(h => ParseFragment(h, _source))]);
    }

    private ObjectExpr ParseObject()
    {
        ExpectSymbol("{");
        var properties = new List<ObjectProperty>();
        var resources = new List<ResourceDecl>();
        while (true)
        {
            SkipNewLines();
            if (Current.IsSymbol("}"))
            {
                Advance();
                return new ObjectExpr(properties, resources);
            }

            if (Current.IsSymbol("@"))
            {
                // decorators on a nested resource (@batchSize...) do not change what is declared
                ParseDecorator();
                continue;
            }

            Token keyToken = Current;
            if (keyToken.Kind == TokenKind.Ident && keyToken.Text == "resource" && Peek().Kind == TokenKind.Ident)
            {
                Advance();
                resources.Add(ParseResource());
                ExpectEndOfLine();
                continue;
            }

            string? key;
            BicepExpr? keyExpr = null;
            if (keyToken.Kind == TokenKind.Ident)
            {
                key = keyToken.Text;
            }
            else if (keyToken.Kind == TokenKind.String)
            {
                StringExpr s = MakeString(keyToken);
                key = s.Value;
                keyExpr = s.Value is null ? s : null;
            }
            else
            {
                throw Error(keyToken, "expected a property name");
            }

            Advance();
            ExpectSymbol(":");
            SkipNewLines();
            properties.Add(new ObjectProperty(key, keyExpr, ParseExpression()));
            if (Current.IsSymbol(","))
            {
                Advance();
            }
            else if (!Current.IsSymbol("}") && Current.Kind != TokenKind.NewLine)
            {
                throw Error(Current, "expected a new line, ',' or '}' after a property");
            }
        }
    }

    private BicepExpr ParseArrayOrFor()
    {
        ExpectSymbol("[");
        SkipNewLines();
        if (Current.Kind == TokenKind.Ident && Current.Text == "for")
        {
            Advance();
            string item;
            string? index = null;
            if (Current.IsSymbol("("))
            {
                Advance();
                item = ExpectIdent();
                ExpectSymbol(",");
                index = ExpectIdent();
                ExpectSymbol(")");
            }
            else
            {
                item = ExpectIdent();
            }

            if (ExpectIdent() != "in")
            {
                throw Error(Current, "expected 'in'");
            }

            BicepExpr source = ParseExpression();
            ExpectSymbol(":");
            SkipNewLines();
            BicepExpr body = ParseDeclarationBody();
            SkipNewLines();
            ExpectSymbol("]");
            return new ForExpr(item, index, source, body);
        }

        var items = new List<BicepExpr>();
        while (true)
        {
            SkipNewLines();
            if (Current.IsSymbol("]"))
            {
                Advance();
                return new ArrayExpr(items);
            }

            items.Add(ParseExpression());
            if (Current.IsSymbol(","))
            {
                Advance();
            }
            else if (!Current.IsSymbol("]") && Current.Kind != TokenKind.NewLine)
            {
                throw Error(Current, "expected a new line, ',' or ']' after an array item");
            }
        }
    }

    private void SkipNewLines()
    {
        while (Current.Kind == TokenKind.NewLine)
        {
            Advance();
        }
    }

    private void ExpectEndOfLine()
    {
        if (Current.Kind is not (TokenKind.NewLine or TokenKind.End))
        {
            throw Error(Current, "expected the end of the line");
        }
    }

    private void Advance() => _pos++;

    private string ExpectIdent()
    {
        Token t = Expect(TokenKind.Ident);
        return t.Text;
    }

    private string ExpectStringValue()
    {
        Token t = Expect(TokenKind.String);
        return t.Holes.Count == 0 ? t.Text : throw Error(t, "expected a string without interpolation");
    }

    private void ExpectSymbol(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            throw Error(Current, $"expected '{symbol}'");
        }

        Advance();
    }

    private Token Expect(TokenKind kind)
    {
        Token t = Current;
        if (t.Kind != kind)
        {
            throw Error(t, $"expected {kind}");
        }

        Advance();
        return t;
    }

    private FormatException Error(Token t, string message) =>
        new($"{_source}({t.Line}): {message} (found {t.Kind} '{t.Text}').");

    private enum TokenKind
    {
        Ident,
        String,
        Number,
        Symbol,
        NewLine,
        End,
    }

    /// <summary>A token; for strings Text is the literal text when there are no holes, and Holes the ${...} sources.</summary>
    private sealed record Token(TokenKind Kind, string Text, int Line, IReadOnlyList<string> Holes)
    {
        public bool IsSymbol(string s) => Kind == TokenKind.Symbol && Text == s;
    }

    private static class Lexer
    {
        private static readonly string[] Symbols =
            ["==", "!=", "=~", "!~", "<=", ">=", "&&", "||", "??", "=>", ".?", "[?", "{", "}", "[", "]", "(", ")", ":", ",", ".", "?", "!", "=", "<", ">", "+", "-", "*", "/", "%", "@"];

        public static List<Token> Tokenize(string text, string name)
        {
            var tokens = new List<Token>();
            int i = 0, line = 1;
            while (i < text.Length)
            {
                char c = text[i];
                if (c == '\n')
                {
                    tokens.Add(new Token(TokenKind.NewLine, "\\n", line, []));
                    line++;
                    i++;
                }
                else if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '/' && At(text, i + 1) == '/')
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                }
                else if (c == '/' && At(text, i + 1) == '*')
                {
                    int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new FormatException($"{name}({line}): unterminated comment.");
                    }

                    line += text.AsSpan(i, end - i).Count('\n');
                    i = end + 2;
                }
                else if (text.AsSpan(i).StartsWith("'''"))
                {
                    int end = text.IndexOf("'''", i + 3, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new FormatException($"{name}({line}): unterminated multi-line string.");
                    }

                    string value = text[(i + 3)..end];
                    tokens.Add(new Token(TokenKind.String, value, line, []));
                    line += value.Count(ch => ch == '\n');
                    i = end + 3;
                }
                else if (c == '\'')
                {
                    tokens.Add(ReadString(text, ref i, line, name));
                }
                else if (char.IsAsciiDigit(c))
                {
                    int start = i;
                    while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Number, text[start..i], line, []));
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    int start = i;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Ident, text[start..i], line, []));
                }
                else
                {
                    string? symbol = Symbols.FirstOrDefault(s => text.AsSpan(i).StartsWith(s));
                    if (symbol is null)
                    {
                        throw new FormatException($"{name}({line}): unexpected character '{c}'.");
                    }

                    tokens.Add(new Token(TokenKind.Symbol, symbol, line, []));
                    i += symbol.Length;
                }
            }

            tokens.Add(new Token(TokenKind.End, "<end>", line, []));
            return tokens;
        }

        private static char At(string text, int i) => i < text.Length ? text[i] : '\0';

        /// <summary>'...' with \-escapes and ${...} holes (which may hold strings and braces of their own).</summary>
        private static Token ReadString(string text, ref int i, int line, string name)
        {
            var literal = new StringBuilder();
            var holes = new List<string>();
            i++;
            while (true)
            {
                if (i >= text.Length || text[i] == '\n')
                {
                    throw new FormatException($"{name}({line}): unterminated string.");
                }

                char c = text[i];
                if (c == '\'')
                {
                    i++;
                    break;
                }

                if (c == '\\')
                {
                    char e = At(text, i + 1);
                    literal.Append(e switch
                    {
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        _ => e,
                    });
                    i += 2;
                    continue;
                }

                if (c == '$' && At(text, i + 1) == '{')
                {
                    int start = i + 2, depth = 1, j = start;
                    bool inString = false;
                    for (; j < text.Length && depth > 0; j++)
                    {
                        char h = text[j];
                        if (inString)
                        {
                            if (h == '\\')
                            {
                                j++;
                            }
                            else if (h == '\'')
                            {
                                inString = false;
                            }
                        }
                        else if (h == '\'')
                        {
                            inString = true;
                        }
                        else if (h == '{')
                        {
                            depth++;
                        }
                        else if (h == '}')
                        {
                            depth--;
                        }
                    }

                    if (depth != 0)
                    {
                        throw new FormatException($"{name}({line}): unterminated ${{...}} in a string.");
                    }

                    holes.Add(text[start..(j - 1)]);
                    literal.Append(CultureInfo.InvariantCulture, $"${{{holes.Count - 1}}}");
                    i = j;
                    continue;
                }

                literal.Append(c);
                i++;
            }

            return new Token(TokenKind.String, literal.ToString(), line, holes);
        }
    }
}
