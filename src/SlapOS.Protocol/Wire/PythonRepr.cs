using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace SlapOS.Wire;

/// <summary>
/// Python's <c>str()</c> of a decoded marshal value: how SlapOS flattens every parameter value to a
/// string (<c>42</c> → <c>'42'</c>, <c>True</c>, <c>None</c>, <c>[1, 'two', 3.0]</c>, <c>{'k': 'v'}</c>, <c>(1+2j)</c>).
/// The one home of Python's <c>repr</c>: the marshal flattening, the JSON API's jsonschema messages and
/// the HATEOAS floats all call it.
/// </summary>
public static class PythonRepr
{
    private const int MaxDepth = 64;

    /// <summary>Python's <c>str()</c>: a string as it is, anything else as its <see cref="Repr(object?)"/>.</summary>
    /// <param name="value">A decoded value: <see langword="null"/>, string, bool, integer, float, complex, tuple, set, list or dictionary.</param>
    public static string Str(object? value) => value is string s ? s : Repr(value, 0);

    /// <summary>Python's <c>repr()</c> of a decoded value (<c>'text'</c>, <c>1.0</c>, <c>[1, 'two']</c>, <c>{'k': None}</c>).</summary>
    /// <param name="value">A decoded value, as for <see cref="Str(object?)"/>.</param>
    /// <exception cref="SlapMarshalException">The value is nested too deeply.</exception>
    public static string Repr(object? value) => Repr(value, 0);

    /// <summary>Python's <c>repr()</c> of a string: single quotes unless the text holds one and no double quote.</summary>
    /// <param name="text">The text.</param>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return QuoteString(text);
    }

    private static string Repr(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new SlapMarshalException("value is nested too deeply to be flattened");
        }

        switch (value)
        {
            case null:
                return "None";
            case string s:
                return QuoteString(s);
            case bool b:
                return b ? "True" : "False";
            case long or int or BigInteger:
                return ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture);
            case double d:
                return PythonFloat.Repr(d);
            case Complex c:
                return ComplexRepr(c);
            case MarshalTuple t:
                return t.Items.Count == 1
                    ? "(" + Repr(t.Items[0], depth + 1) + ",)"
                    : "(" + Join(t.Items, depth) + ")";
            case MarshalSet set:
                return set.Items.Count == 0 ? "set()" : "{" + Join(set.Items, depth) + "}";
            case MarshalObject obj:
                return $"<{obj.Module}.{obj.ClassName} object>";
            case IDictionary dictionary:
                var parts = new List<string>();
                foreach (DictionaryEntry entry in dictionary)
                {
                    parts.Add(Repr(entry.Key, depth + 1) + ": " + Repr(entry.Value, depth + 1));
                }

                return "{" + string.Join(", ", parts) + "}";
            case IEnumerable items:
                return "[" + Join(items.Cast<object?>(), depth) + "]";
            default:
                return value.ToString() ?? string.Empty;
        }
    }

    private static string Join(IEnumerable<object?> items, int depth) =>
        string.Join(", ", items.Select(i => Repr(i, depth + 1)));

    private static string ComplexRepr(Complex c)
    {
        static string Part(double d)
        {
            var r = PythonFloat.Repr(d);
            return r.EndsWith(".0", StringComparison.Ordinal) ? r[..^2] : r;
        }

        var imaginary = Part(c.Imaginary) + "j";
        if (c.Real == 0 && !double.IsNegative(c.Real))
        {
            return imaginary;
        }

        var sign = c.Imaginary < 0 || double.IsNegative(c.Imaginary) || double.IsNaN(c.Imaginary) ? string.Empty : "+";
        return "(" + Part(c.Real) + sign + imaginary + ")";
    }

    /// <summary>Python's str repr: single quotes unless the text holds one and no double quote.</summary>
    private static string QuoteString(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        foreach (var rune in s.EnumerateRunes())
        {
            var v = rune.Value;
            switch (v)
            {
                case '\\':
                    sb.Append("\\\\");
                    continue;
                case '\n':
                    sb.Append("\\n");
                    continue;
                case '\r':
                    sb.Append("\\r");
                    continue;
                case '\t':
                    sb.Append("\\t");
                    continue;
            }

            if (v == quote)
            {
                sb.Append('\\').Append(quote);
            }
            else if (v < 0x20 || v == 0x7F)
            {
                sb.Append("\\x").Append(v.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (v >= 0x80 && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator && v != ' ')
            {
                sb.Append(v <= 0xFF ? "\\x" + v.ToString("x2", CultureInfo.InvariantCulture) : v <= 0xFFFF ? "\\u" + v.ToString("x4", CultureInfo.InvariantCulture) : "\\U" + v.ToString("x8", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return sb.Append(quote).ToString();
    }
}
