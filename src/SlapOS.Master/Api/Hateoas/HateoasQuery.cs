using System.Text.RegularExpressions;

namespace SlapOS.Master.Api.Hateoas;

/// <summary>
/// The catalog queries the slapos CLI sends to <c>raw_search</c>, e.g.
/// <c>portal_type:"Instance Tree" AND validation_state:validated AND title:="root-inst"</c>.
/// Only this conjunction of known terms is understood; anything else is refused, as slapproxy does.
/// </summary>
internal sealed partial record HateoasQuery(HateoasSearchKind Kind, string? Title, string? Reference, string? TreeTitle)
{
    /// <summary>Parses <paramref name="text"/>, or returns <see langword="null"/> when it is not a query this master answers.</summary>
    public static HateoasQuery? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        HateoasSearchKind? kind = null;
        string? title = null, reference = null, treeTitle = null;
        foreach (var term in text.Split(" AND ", StringSplitOptions.TrimEntries))
        {
            var match = TermPattern().Match(term);
            if (!match.Success)
            {
                return null;
            }

            var value = match.Groups["value"].Value;
            switch (match.Groups["key"].Value)
            {
                case "portal_type" when kind is null:
                    kind = KindOf(value);
                    if (kind is null)
                    {
                        return null;
                    }

                    break;
                case "validation_state" when value == "validated":
                    break;
                case "title" when match.Groups["exact"].Success:
                    title = Unquote(value);
                    break;
                case "reference" when match.Groups["exact"].Success:
                    reference = Unquote(value);
                    break;
                case "default_specialise_title" when match.Groups["exact"].Success:
                    treeTitle = Unquote(value);
                    break;
                default:
                    return null;
            }
        }

        return kind is { } k ? new HateoasQuery(k, title, reference, treeTitle) : null;
    }

    private static HateoasSearchKind? KindOf(string portalType)
    {
        var types = portalType.StartsWith('(') && portalType.EndsWith(')')
            ? portalType[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Unquote).ToHashSet(StringComparer.Ordinal)
            : [Unquote(portalType)];
        if (types.Count == 0)
        {
            return null;
        }

        if (types.All(t => t is "Instance Tree" or "Hosting Subscription"))
        {
            return HateoasSearchKind.InstanceTrees;
        }

        if (types.All(t => t is "Compute Node" or "Computer"))
        {
            return HateoasSearchKind.Computers;
        }

        return types.All(t => t is "Software Instance" or "Slave Instance") ? HateoasSearchKind.Instances : null;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    [GeneratedRegex("""^(?<key>[a-z_]+):(?<exact>=)?(?<value>"[^"]*"|\([^)]*\)|[^\s"()]+)$""", RegexOptions.CultureInvariant)]
    private static partial Regex TermPattern();
}
