using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HiFiC.Deployment.Tests.Helm;

/// <summary>
/// The part of Go's text/template (with Helm's functions) the chart uses, so the chart renders
/// without helm: text, {{ pipeline }} with - trimming and comments, field paths (.Values.a.b, $,
/// $.Values...), string/number/bool literals, parentheses, pipes, if / else if / else / end,
/// with / else / end, range / end (over lists), define / include, and the functions listed in
/// <see cref="Call"/>. Stricter than Helm on purpose: a value path that does not exist is an error,
/// not an empty string, so a template cannot read a value the chart's values.yaml lacks.
/// </summary>
public sealed class GoTemplate
{
    private readonly Dictionary<string, List<Node>> defines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Node>> files = new(StringComparer.Ordinal);

    /// <summary>Parses a file; its defines become visible to every file.</summary>
    public void Add(string name, string text) => files[name] = Parse(Lex(text), name);

    public string Execute(string name, object? data)
    {
        var sb = new StringBuilder();
        Run(files[name], new Scope(data, data), sb);
        return sb.ToString();
    }

    // ---- lexing -------------------------------------------------------------------------------

    private abstract record Token;
    private sealed record TextToken(string Text) : Token;
    private sealed record ActionToken(string Code) : Token;

    private static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        var pending = new StringBuilder();
        bool trimNext = false;
        int i = 0;
        while (i < text.Length)
        {
            int open = text.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0) { pending.Append(text, i, text.Length - i); break; }
            pending.Append(text, i, open - i);
            int start = open + 2;
            bool trimLeft = start + 1 < text.Length && text[start] == '-' && char.IsWhiteSpace(text[start + 1]);
            if (trimLeft) start += 2;
            int close = text.AsSpan(start).TrimStart().StartsWith("/*")
                ? text.IndexOf("}}", text.IndexOf("*/", start, StringComparison.Ordinal), StringComparison.Ordinal)
                : FindClose(text, start);
            if (close < 0) throw new TemplateException("unclosed comment");
            int end = close;
            bool trimRight = close - 2 >= start && text[close - 1] == '-' && char.IsWhiteSpace(text[close - 2]);
            if (trimRight) end = close - 2;
            var code = text[start..end].Trim();

            var before = pending.ToString();
            if (trimNext) before = before.TrimStart();
            if (trimLeft) before = before.TrimEnd();
            if (before.Length > 0) tokens.Add(new TextToken(before));
            pending.Clear();
            trimNext = trimRight;
            if (!(code.StartsWith("/*", StringComparison.Ordinal) && code.EndsWith("*/", StringComparison.Ordinal)))
                tokens.Add(new ActionToken(code));
            i = close + 2;
        }
        var rest = pending.ToString();
        if (trimNext) rest = rest.TrimStart();
        if (rest.Length > 0) tokens.Add(new TextToken(rest));
        return tokens;
    }

    private static int FindClose(string text, int from)
    {
        for (int i = from; i < text.Length - 1; i++)
        {
            char c = text[i];
            if (c is '"' or '`')
            {
                for (i++; i < text.Length && text[i] != c; i++) if (c == '"' && text[i] == '\\') i++;
                continue;
            }
            if (c == '}' && text[i + 1] == '}') return i;
        }
        throw new TemplateException("unclosed action");
    }

    // ---- parsing ------------------------------------------------------------------------------

    private abstract record Node;
    private sealed record TextNode(string Text) : Node;
    private sealed record PrintNode(Pipeline Pipe) : Node;
    private sealed record IfNode(Pipeline Cond, List<Node> Then, List<Node>? Else) : Node;
    private sealed record WithNode(Pipeline Value, List<Node> Body, List<Node>? Else) : Node;
    private sealed record RangeNode(Pipeline Value, List<Node> Body) : Node;

    private sealed record Pipeline(List<List<Arg>> Commands);
    private abstract record Arg;
    private sealed record FieldArg(bool FromRoot, string[] Path) : Arg;
    private sealed record LiteralArg(object? Value) : Arg;
    private sealed record FunctionArg(string Name) : Arg;
    private sealed record SubPipelineArg(Pipeline Pipe) : Arg;

    private List<Node> Parse(List<Token> tokens, string file)
    {
        int pos = 0;
        var (nodes, end) = ParseList(tokens, ref pos, file);
        if (end is not null) throw new TemplateException($"{file}: unexpected {{{{{end}}}}}");
        return nodes;
    }

    /// <summary>Nodes up to an else/end at this level (returned as the terminator's code) or the end of input (null).</summary>
    private (List<Node> Nodes, string? Terminator) ParseList(List<Token> tokens, ref int pos, string file)
    {
        var nodes = new List<Node>();
        while (pos < tokens.Count)
        {
            var t = tokens[pos++];
            if (t is TextToken text) { nodes.Add(new TextNode(text.Text)); continue; }
            var code = ((ActionToken)t).Code;
            var (word, rest) = SplitKeyword(code);
            switch (word)
            {
                case "end":
                case "else":
                    return (nodes, code);
                case "if":
                    nodes.Add(ParseIf(rest, tokens, ref pos, file));
                    break;
                case "with":
                {
                    var value = ParsePipeline(rest);
                    var (body, term) = ParseList(tokens, ref pos, file);
                    List<Node>? other = null;
                    if (term == "else") (other, term) = ParseList(tokens, ref pos, file);
                    if (term != "end") throw new TemplateException($"{file}: with without end");
                    nodes.Add(new WithNode(value, body, other));
                    break;
                }
                case "range":
                {
                    if (rest.Contains(":=", StringComparison.Ordinal)) throw new TemplateException($"{file}: range variables are outside the supported subset");
                    var value = ParsePipeline(rest);
                    var (body, term) = ParseList(tokens, ref pos, file);
                    if (term != "end") throw new TemplateException($"{file}: range without end");
                    nodes.Add(new RangeNode(value, body));
                    break;
                }
                case "define":
                {
                    var name = (string)ParseLiteral(rest.Trim())!;
                    var (body, term) = ParseList(tokens, ref pos, file);
                    if (term != "end") throw new TemplateException($"{file}: define without end");
                    defines[name] = body;
                    break;
                }
                case "template" or "block" or "break" or "continue":
                    throw new TemplateException($"{file}: '{word}' is outside the supported subset (use include)");
                default:
                    if (code.Contains(":=", StringComparison.Ordinal) || code.StartsWith('$') && code.Contains('=', StringComparison.Ordinal))
                        throw new TemplateException($"{file}: variables are outside the supported subset: {code}");
                    nodes.Add(new PrintNode(ParsePipeline(code)));
                    break;
            }
        }
        return (nodes, null);
    }

    private IfNode ParseIf(string condition, List<Token> tokens, ref int pos, string file)
    {
        var cond = ParsePipeline(condition);
        var (then, term) = ParseList(tokens, ref pos, file);
        if (term == "end") return new IfNode(cond, then, null);
        if (term == "else")
        {
            var (other, end) = ParseList(tokens, ref pos, file);
            if (end != "end") throw new TemplateException($"{file}: if/else without end");
            return new IfNode(cond, then, other);
        }
        if (term is not null && term.StartsWith("else if ", StringComparison.Ordinal))
            return new IfNode(cond, then, [ParseIf(term["else if ".Length..], tokens, ref pos, file)]);
        throw new TemplateException($"{file}: if without end");
    }

    private static (string Word, string Remainder) SplitKeyword(string code)
    {
        int space = code.IndexOfAny([' ', '\t', '\n']);
        var word = space < 0 ? code : code[..space];
        return word is "if" or "else" or "end" or "with" or "range" or "define" or "template" or "block" or "break" or "continue"
            ? (word, space < 0 ? "" : code[(space + 1)..])
            : ("", code);
    }

    private static Pipeline ParsePipeline(string code)
    {
        var tokens = Tokenize(code);
        int pos = 0;
        var pipe = ParsePipe(tokens, ref pos);
        if (pos != tokens.Count) throw new TemplateException($"unexpected '{tokens[pos]}' in '{code}'");
        return pipe;
    }

    private static Pipeline ParsePipe(List<string> tokens, ref int pos)
    {
        var commands = new List<List<Arg>> { new() };
        while (pos < tokens.Count && tokens[pos] != ")")
        {
            var t = tokens[pos++];
            if (t == "|") { commands.Add([]); continue; }
            if (t == "(")
            {
                var inner = ParsePipe(tokens, ref pos);
                if (pos >= tokens.Count || tokens[pos++] != ")") throw new TemplateException("unbalanced parentheses");
                commands[^1].Add(new SubPipelineArg(inner));
                continue;
            }
            commands[^1].Add(ParseArg(t));
        }
        if (commands.Any(c => c.Count == 0)) throw new TemplateException("empty command in pipeline");
        return new Pipeline(commands);
    }

    private static Arg ParseArg(string t)
    {
        if (t == ".") return new FieldArg(false, []);
        if (t == "$") return new FieldArg(true, []);
        if (t.StartsWith('.')) return new FieldArg(false, t[1..].Split('.'));
        if (t.StartsWith("$.", StringComparison.Ordinal)) return new FieldArg(true, t[2..].Split('.'));
        if (t.StartsWith('$')) throw new TemplateException($"variables are outside the supported subset: {t}");
        if (t is "true" or "false" or "nil" || t[0] is '"' or '`' || char.IsDigit(t[0]) || t[0] == '-') return new LiteralArg(ParseLiteral(t));
        return new FunctionArg(t);
    }

    private static object? ParseLiteral(string t)
    {
        switch (t)
        {
            case "true": return true;
            case "false": return false;
            case "nil": return null;
        }
        if (t[0] == '`') return t[1..^1];
        if (t[0] == '"')
        {
            var sb = new StringBuilder();
            for (int i = 1; i < t.Length - 1; i++)
            {
                if (t[i] != '\\') { sb.Append(t[i]); continue; }
                char e = t[++i];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
            }
            return sb.ToString();
        }
        return double.Parse(t, CultureInfo.InvariantCulture);
    }

    private static List<string> Tokenize(string code)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < code.Length)
        {
            char c = code[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '|' or '(' or ')') { tokens.Add(c.ToString()); i++; continue; }
            int start = i;
            if (c is '"' or '`')
            {
                for (i++; i < code.Length && code[i] != c; i++) if (c == '"' && code[i] == '\\') i++;
                tokens.Add(code[start..++i]);
                continue;
            }
            while (i < code.Length && !char.IsWhiteSpace(code[i]) && code[i] is not ('|' or '(' or ')')) i++;
            tokens.Add(code[start..i]);
        }
        return tokens;
    }

    // ---- execution ----------------------------------------------------------------------------

    private sealed record Scope(object? Dot, object? Root);

    private void Run(List<Node> nodes, Scope scope, StringBuilder sb)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode t: sb.Append(t.Text); break;
                case PrintNode p: sb.Append(GoValue.Print(Eval(p.Pipe, scope))); break;
                case IfNode f:
                    if (GoValue.IsTrue(Eval(f.Cond, scope))) Run(f.Then, scope, sb);
                    else if (f.Else is not null) Run(f.Else, scope, sb);
                    break;
                case WithNode w:
                    var value = Eval(w.Value, scope);
                    if (GoValue.IsTrue(value)) Run(w.Body, scope with { Dot = value }, sb);
                    else if (w.Else is not null) Run(w.Else, scope, sb);
                    break;
                case RangeNode r:
                    var items = Eval(r.Value, scope);
                    if (items is null) break;
                    if (items is not IEnumerable<object?> list || items is string) throw new TemplateException("range over a non-list is outside the supported subset");
                    foreach (var item in list) Run(r.Body, scope with { Dot = item }, sb);
                    break;
            }
        }
    }

    private object? Eval(Pipeline pipe, Scope scope)
    {
        object? value = null;
        bool piped = false;
        foreach (var command in pipe.Commands)
        {
            value = EvalCommand(command, scope, piped, value);
            piped = true;
        }
        return value;
    }

    private object? EvalCommand(List<Arg> command, Scope scope, bool piped, object? input)
    {
        if (command[0] is FunctionArg f)
        {
            var args = command.Skip(1).Select(a => EvalArg(a, scope)).ToList();
            if (piped) args.Add(input);
            return Call(f.Name, args, scope);
        }
        if (piped || command.Count != 1) throw new TemplateException("only a function can take arguments or piped input");
        return EvalArg(command[0], scope);
    }

    private object? EvalArg(Arg arg, Scope scope) => arg switch
    {
        LiteralArg l => l.Value,
        SubPipelineArg s => Eval(s.Pipe, scope),
        FieldArg f => Field(f.FromRoot ? scope.Root : scope.Dot, f.Path),
        FunctionArg fn => Call(fn.Name, [], scope),
        _ => throw new TemplateException(arg.ToString()),
    };

    private static object? Field(object? v, string[] path)
    {
        var walked = "";
        foreach (var part in path)
        {
            walked += "." + part;
            if (v is not IDictionary<string, object?> map) throw new TemplateException($"{walked}: not a map");
            if (!map.TryGetValue(part, out v)) throw new TemplateException($"{walked}: no such value");
        }
        return v;
    }

    private object? Call(string name, List<object?> a, Scope scope)
    {
        switch (name)
        {
            case "include":
                Need(a, 2, name);
                if (!defines.TryGetValue(Str(a[0]), out var body)) throw new TemplateException($"include: no template '{a[0]}'");
                var sb = new StringBuilder();
                Run(body, new Scope(a[1], a[1]), sb);
                return sb.ToString();
            case "printf":
                return Printf(Str(a[0]), a.Skip(1).ToList());
            case "default":
                Need(a, 2, name);
                return GoValue.IsTrue(a[1]) ? a[1] : a[0];
            case "quote":
                return string.Join(" ", a.Select(x => Quote(x is null ? "" : GoValue.Print(x))));
            case "toYaml": Need(a, 1, name); return GoValue.ToYaml(a[0]);
            case "toJson": Need(a, 1, name); return GoValue.ToJson(a[0]);
            case "indent": Need(a, 2, name); return Indent((int)Num(a[0]), Str(a[1]));
            case "nindent": Need(a, 2, name); return "\n" + Indent((int)Num(a[0]), Str(a[1]));
            case "sha256sum": Need(a, 1, name); return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Str(a[0]))));
            case "trunc":
                Need(a, 2, name);
                var s = Str(a[1]);
                int n = (int)Num(a[0]);
                return n >= 0 ? (s.Length > n ? s[..n] : s) : (s.Length > -n ? s[(s.Length + n)..] : s);
            case "trimSuffix": Need(a, 2, name); return Str(a[1]).EndsWith(Str(a[0]), StringComparison.Ordinal) ? Str(a[1])[..^Str(a[0]).Length] : Str(a[1]);
            case "eq": return a.Skip(1).Any(x => Same(a[0], x));
            case "ne": Need(a, 2, name); return !Same(a[0], a[1]);
            case "not": Need(a, 1, name); return !GoValue.IsTrue(a[0]);
            case "and": return a.FirstOrDefault(x => !GoValue.IsTrue(x), a.LastOrDefault());
            case "or": return a.FirstOrDefault(GoValue.IsTrue, a.LastOrDefault());
            default: throw new TemplateException($"function '{name}' is outside the supported subset");
        }
    }

    private static void Need(List<object?> a, int n, string f)
    {
        if (a.Count != n) throw new TemplateException($"{f} takes {n} argument(s), got {a.Count}");
    }

    private static string Str(object? v) => v is string s ? s : GoValue.Print(v);

    private static double Num(object? v) => v switch
    {
        double d => d,
        long l => l,
        int i => i,
        string s => double.Parse(s, CultureInfo.InvariantCulture),
        _ => throw new TemplateException($"not a number: {v}"),
    };

    private static bool Same(object? x, object? y) => (x, y) switch
    {
        (null, null) => true,
        (double a, double b) => a == b,
        (string a, string b) => a == b,
        (bool a, bool b) => a == b,
        _ when x?.GetType() != y?.GetType() => throw new TemplateException($"eq: incompatible types {x?.GetType().Name} and {y?.GetType().Name}"),
        _ => Equals(x, y),
    };

    private static string Indent(int n, string s)
    {
        var pad = new string(' ', n);
        return pad + s.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    /// <summary>Go's strconv.Quote for the characters values hold.</summary>
    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c < 0x20 => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    private static string Printf(string format, List<object?> args)
    {
        var sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            char verb = format[++i];
            if (verb == '%') { sb.Append('%'); continue; }
            if (verb is not ('s' or 'v' or 'd')) throw new TemplateException($"printf: %{verb} is outside the supported subset");
            sb.Append(Str(args[next++]));
        }
        return sb.ToString();
    }
}
