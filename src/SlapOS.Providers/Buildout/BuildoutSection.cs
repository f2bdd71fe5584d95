namespace SlapOS.Providers.Buildout;

/// <summary>One section being evaluated: its raw options and the resolved (substituted) ones.</summary>
internal sealed class BuildoutSection(string name, Dictionary<string, string> raw)
{
    public string Name { get; } = name;

    public Dictionary<string, string> Raw { get; set; } = raw;

    public Dictionary<string, string> Resolved { get; } = new(StringComparer.Ordinal);

    public IBuildoutRecipe? Recipe { get; set; }

    public BuildoutPartContext? Context { get; set; }

    /// <summary>Every option name, raw ones first, then those set by the recipe.</summary>
    public IEnumerable<string> OptionNames => Raw.Keys.Concat(Resolved.Keys.Where(k => !Raw.ContainsKey(k)));
}
