using System.Collections;
using System.Globalization;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// Structural comparison of two decoded marshal values: same object classes, same keys, same values,
/// except the values a caller declares non-deterministic (by key). Reports every difference by path.
/// </summary>
internal sealed class MarshalDiff(IReadOnlySet<string> ignoredValueKeys)
{
    private readonly List<string> _differences = [];

    public static IReadOnlyList<string> Compare(object? expected, object? actual, IReadOnlySet<string> ignoredValueKeys)
    {
        var diff = new MarshalDiff(ignoredValueKeys);
        diff.Walk("$", expected, actual);
        return diff._differences;
    }

    private void Walk(string path, object? expected, object? actual)
    {
        switch (expected)
        {
            case MarshalObject e when actual is MarshalObject a:
                if (e.ClassName != a.ClassName || e.Module != a.Module)
                {
                    _differences.Add($"{path}: object {e.ClassName} expected, got {a.ClassName}");
                    return;
                }

                Walk(path + ".@initargs", e.InitArgs, a.InitArgs);
                Walk(path, e.State, a.State);
                return;
            case IDictionary e when actual is IDictionary a:
                var expectedKeys = e.Keys.Cast<object>().Select(Key).ToHashSet(StringComparer.Ordinal);
                var actualKeys = a.Keys.Cast<object>().Select(Key).ToHashSet(StringComparer.Ordinal);
                foreach (var missing in expectedKeys.Except(actualKeys).Order(StringComparer.Ordinal))
                {
                    _differences.Add($"{path}.{missing}: missing");
                }

                foreach (var extra in actualKeys.Except(expectedKeys).Order(StringComparer.Ordinal))
                {
                    _differences.Add($"{path}.{extra}: unexpected");
                }

                foreach (DictionaryEntry entry in e)
                {
                    var key = Key(entry.Key);
                    if (!actualKeys.Contains(key) || ignoredValueKeys.Contains(key))
                    {
                        continue;
                    }

                    var other = a.Keys.Cast<object>().First(k => Key(k) == key);
                    Walk($"{path}.{key}", entry.Value, a[other]);
                }

                return;
            case MarshalTuple e when actual is MarshalTuple a:
                Sequence(path, e.Items, a.Items);
                return;
            case MarshalSet e when actual is MarshalSet a:
                Sequence(path, e.Items, a.Items);
                return;
            case IList e when actual is IList a && path.EndsWith("._software_release_list", StringComparison.Ordinal):
                // The order of a computer's releases carries no meaning (slapproxy: insertion; ours: by URL).
                Sequence(path, e.Cast<object?>().OrderBy(ReleaseUrl, StringComparer.Ordinal).ToList(), a.Cast<object?>().OrderBy(ReleaseUrl, StringComparer.Ordinal).ToList());
                return;
            case IList e when actual is IList a:
                Sequence(path, e.Cast<object?>().ToList(), a.Cast<object?>().ToList());
                return;
            default:
                if (!Equals(Scalar(expected), Scalar(actual)))
                {
                    _differences.Add($"{path}: {Show(expected)} expected, got {Show(actual)}");
                }

                return;
        }
    }

    private void Sequence(string path, IReadOnlyList<object?> expected, IReadOnlyList<object?> actual)
    {
        if (expected.Count != actual.Count)
        {
            _differences.Add($"{path}: {expected.Count} items expected, got {actual.Count}");
            return;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            Walk($"{path}[{i}]", expected[i], actual[i]);
        }
    }

    private static string ReleaseUrl(object? release) => (release as MarshalObject)?.Get("_software_release") as string ?? string.Empty;

    private static string Key(object key) => key is string s ? s : Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty;

    private static object? Scalar(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b,
        double d => d,
        float f => (double)f,
        IConvertible c when value is int or long or short or System.Numerics.BigInteger => Convert.ToDecimal(c, CultureInfo.InvariantCulture),
        System.Numerics.BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        _ => value.GetType().Name + ":" + value,
    };

    private static string Show(object? value) => value switch
    {
        null => "None",
        string s => "'" + (s.Length > 80 ? s[..80] + "…" : s) + "'",
        _ => $"{value.GetType().Name}({value})",
    };
}
