using System.Text;

namespace SlapOS.Providers.Buildout;

/// <summary>
/// A loaded profile being evaluated, as zc.buildout's <c>Buildout</c>/<c>Options</c>: sections are
/// initialized when first used (macros expanded, every option substituted, the recipe's
/// <see cref="IBuildoutRecipe.Initialize"/> called), so a part referenced by another is
/// initialized — and therefore installed — first.
/// </summary>
internal sealed class BuildoutProfile
{
    private readonly Dictionary<string, Dictionary<string, string>> _raw;
    private readonly Dictionary<string, BuildoutSection> _sections = new(StringComparer.Ordinal);
    private readonly Func<string, IBuildoutRecipe?> _recipes;
    private readonly List<string> _parts = [];
    private List<(string Section, string Option)> _stack = [];

    public BuildoutProfile(Dictionary<string, Dictionary<string, string>> raw, Func<string, IBuildoutRecipe?> recipes, BuildoutEnvironment? environment)
    {
        _raw = raw;
        _recipes = recipes;
        Environment = environment;
    }

    public BuildoutEnvironment? Environment { get; }

    /// <summary>The recipe resolver, for recipes that run a nested buildout.</summary>
    public Func<string, IBuildoutRecipe?> Recipes => _recipes;

    /// <summary>The parts to install, in installation order (after <see cref="InitializeParts"/>).</summary>
    public IReadOnlyList<string> Parts => _parts;

    public IEnumerable<string> SectionNames => _raw.Keys;

    public bool HasSection(string name) => _raw.ContainsKey(name);

    /// <summary>Initializes <c>[buildout] parts</c> (and the parts they reference) and returns them in install order.</summary>
    public IReadOnlyList<string> InitializeParts()
    {
        var listed = Get("buildout", "parts") ?? string.Empty;
        foreach (var part in listed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var section = GetSection(part, "buildout", "parts");
            if (section.Recipe is null)
            {
                throw new BuildoutException($"The part [{part}] (listed in [buildout] parts) has no 'recipe' option.");
            }
        }

        return _parts;
    }

    /// <summary>The resolved value of an option, or <see langword="null"/> if the option does not exist.</summary>
    public string? Get(string section, string option)
    {
        var s = GetSection(section, null, null);
        return Resolve(s, option);
    }

    /// <summary>The resolved options of a section (initializing it).</summary>
    public IReadOnlyDictionary<string, string> GetOptions(string section)
    {
        var s = GetSection(section, null, null);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in s.OptionNames)
        {
            result[name] = Resolve(s, name)!;
        }

        return result;
    }

    internal BuildoutSection GetSection(string name, string? fromSection, string? fromOption)
    {
        if (_sections.TryGetValue(name, out var section))
        {
            return section;
        }

        if (!_raw.TryGetValue(name, out var raw))
        {
            throw new BuildoutException(fromSection is null
                ? $"The section [{name}] does not exist."
                : $"The section [{name}] referenced by [{fromSection}] {fromOption} does not exist.");
        }

        section = new BuildoutSection(name, raw);
        _sections[name] = section;

        // Each section is initialized with its own chain of references, as buildout does.
        var saved = _stack;
        _stack = [];
        try
        {
            Initialize(section);
        }
        finally
        {
            _stack = saved;
        }

        return section;
    }

    private void Initialize(BuildoutSection section)
    {
        if (section.Name != "buildout")
        {
            if (section.Raw.ContainsKey("<"))
            {
                section.Raw = ExpandMacros(section.Name, section.Raw, []);
            }

            FinishOperations(section.Raw);
        }

        foreach (var option in section.Raw.Keys.ToList())
        {
            Resolve(section, option);
        }

        if (section.Name == "buildout")
        {
            return;
        }

        if (Resolve(section, BuildoutConfigParser.PartDependenciesOption) is { } dependencies)
        {
            foreach (var dependency in dependencies.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                GetSection(dependency, section.Name, "=>");
            }
        }

        var recipeName = Resolve(section, "recipe");
        if (string.IsNullOrWhiteSpace(recipeName))
        {
            return;
        }

        var recipe = _recipes(NormalizeRecipeName(recipeName))
            ?? throw new BuildoutException($"Unknown recipe '{recipeName.Trim()}' in section [{section.Name}]. Register it with AddRecipe<T>(\"{recipeName.Trim()}\").");
        section.Recipe = recipe;
        section.Context = new BuildoutPartContext(this, section);
        recipe.Initialize(section.Context);
        _parts.Add(section.Name);
    }

    /// <summary><c>name:default</c> is <c>name</c>, as buildout's entry points.</summary>
    public static string NormalizeRecipeName(string recipe)
    {
        recipe = recipe.Trim();
        return recipe.EndsWith(":default", StringComparison.Ordinal) ? recipe[..^8] : recipe;
    }

    private Dictionary<string, string> ExpandMacros(string name, Dictionary<string, string> data, List<string> doing)
    {
        if (name == "buildout" || !data.TryGetValue("<", out var macros))
        {
            return data;
        }

        if (doing.Contains(name))
        {
            throw new BuildoutException($"Infinite macro (<=) loop: {string.Join(" <= ", doing)} <= {name}.");
        }

        doing.Add(name);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var macro in macros.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!_raw.TryGetValue(macro, out var macroData))
            {
                throw new BuildoutException($"The section [{macro}] used as a macro by [{name}] (<= {macro}) does not exist.");
            }

            foreach (var pair in ExpandMacros(macro, macroData, doing))
            {
                result[pair.Key] = pair.Value;
            }
        }

        // The macro's own location is not the section's.
        var own = new Dictionary<string, string>(data, StringComparer.Ordinal);
        own.Remove("<");
        BuildoutProfileLoader.MergeSection(result, own);
        result.Remove("<");
        doing.RemoveAt(doing.Count - 1);
        return result;
    }

    private static void FinishOperations(Dictionary<string, string> raw)
    {
        List<string>? pending = null;
        foreach (var key in raw.Keys)
        {
            if (BuildoutProfileLoader.IsOperation(key))
            {
                (pending ??= []).Add(key);
            }
        }

        if (pending is null)
        {
            return;
        }

        var operations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in pending)
        {
            operations[key] = raw[key];
            raw.Remove(key);
        }

        BuildoutProfileLoader.MergeSection(raw, operations);
    }

    /// <summary>Resolves one option of a section (memoized), substituting <c>${section:option}</c> references.</summary>
    internal string? Resolve(BuildoutSection section, string option)
    {
        if (section.Resolved.TryGetValue(option, out var done))
        {
            return done;
        }

        if (!section.Raw.TryGetValue(option, out var raw))
        {
            return null;
        }

        if (!raw.Contains('$', StringComparison.Ordinal))
        {
            section.Resolved[option] = raw;
            return raw;
        }

        var key = (section.Name, option);
        if (_stack.Contains(key))
        {
            var chain = _stack.SkipWhile(k => k != key).Append(key).Select(k => $"${{{k.Item1}:{k.Item2}}}");
            throw new BuildoutException($"Circular reference in substitutions of [{section.Name}] {option}: {string.Join(" -> ", chain)}.");
        }

        _stack.Add(key);
        try
        {
            var value = Substitute(section, option, raw);
            section.Resolved[option] = value;
            return value;
        }
        finally
        {
            _stack.RemoveAt(_stack.Count - 1);
        }
    }

    /// <summary>Buildout substitution of a text (a template file) as if it were an option of <paramref name="section"/>.</summary>
    internal string SubstituteText(BuildoutSection section, string option, string text)
    {
        var key = (section.Name, option);
        _stack.Add(key);
        try
        {
            return Substitute(section, option, text);
        }
        finally
        {
            _stack.RemoveAt(_stack.Count - 1);
        }
    }

    private string Substitute(BuildoutSection section, string option, string template)
    {
        var result = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var dollar = template.IndexOf('$', i);
            if (dollar < 0 || dollar == template.Length - 1)
            {
                result.Append(template, i, template.Length - i);
                break;
            }

            result.Append(template, i, dollar - i);
            // "$${" is a literal "${".
            if (template[dollar + 1] == '$' && dollar + 2 < template.Length && template[dollar + 2] == '{')
            {
                result.Append("${");
                i = dollar + 3;
                continue;
            }

            if (template[dollar + 1] != '{')
            {
                result.Append('$');
                i = dollar + 1;
                continue;
            }

            var close = template.IndexOf('}', dollar + 2);
            if (close < 0)
            {
                result.Append(template, dollar, template.Length - dollar);
                break;
            }

            var reference = template.AsSpan(dollar + 2, close - dollar - 2);
            result.Append(Lookup(section, option, reference));
            i = close + 1;
        }

        return result.ToString();
    }

    private string Lookup(BuildoutSection section, string option, ReadOnlySpan<char> reference)
    {
        var colon = reference.IndexOf(':');
        if (colon < 0)
        {
            throw new BuildoutException($"The substitution ${{{reference}}} in [{section.Name}] {option} doesn't contain a colon.");
        }

        if (reference[(colon + 1)..].IndexOf(':') >= 0)
        {
            throw new BuildoutException($"The substitution ${{{reference}}} in [{section.Name}] {option} has too many colons.");
        }

        var sectionName = reference[..colon].ToString();
        var optionName = reference[(colon + 1)..].ToString();
        if (!IsSimple(sectionName, allowEmpty: true) || !IsSimple(optionName, allowEmpty: false))
        {
            throw new BuildoutException($"The substitution ${{{reference}}} in [{section.Name}] {option} has invalid characters.");
        }

        if (sectionName.Length == 0)
        {
            sectionName = section.Name;
        }

        var target = GetSection(sectionName, section.Name, option);
        var value = Resolve(target, optionName);
        if (value is null)
        {
            if (optionName == "_buildout_section_name_")
            {
                return target.Name;
            }

            throw new BuildoutException($"Referenced option does not exist: ${{{sectionName}:{optionName}}} (used in [{section.Name}] {option}).");
        }

        return value;
    }

    private static bool IsSimple(string s, bool allowEmpty)
    {
        if (s.Length == 0)
        {
            return allowEmpty;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or ' ' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
