using System.Globalization;
using System.Numerics;

namespace SlapOS.Wire;

/// <summary>
/// Python's <c>sorted()</c> order for dictionary keys: strings by code point, numbers by value, and
/// (as the marshaller falls back to) <c>repr</c> order when the types are mixed.
/// </summary>
internal sealed class PythonKeyComparer : IComparer<object?>
{
    public static PythonKeyComparer Instance { get; } = new();

    public int Compare(object? x, object? y)
    {
        if (x is string a && y is string b)
        {
            return CompareCodePoints(a, b);
        }

        if (IsNumber(x) && IsNumber(y))
        {
            return ToDouble(x!).CompareTo(ToDouble(y!));
        }

        return CompareCodePoints(Repr(x), Repr(y));
    }

    private static bool IsNumber(object? value) => value is int or long or double or BigInteger or bool;

    private static double ToDouble(object value) => value switch
    {
        bool b => b ? 1 : 0,
        BigInteger big => (double)big,
        _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
    };

    private static string Repr(object? value) => value switch
    {
        null => "None",
        string s => "'" + s + "'",
        bool b => b ? "True" : "False",
        double d => PythonFloat.Repr(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // UTF-16 ordinal order differs from code point order only above U+D7FF; compare by runes there.
    private static int CompareCodePoints(string a, string b)
    {
        var ea = a.EnumerateRunes();
        var eb = b.EnumerateRunes();
        while (true)
        {
            var hasA = ea.MoveNext();
            var hasB = eb.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA.CompareTo(hasB);
            }

            var c = ea.Current.Value.CompareTo(eb.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }
}
