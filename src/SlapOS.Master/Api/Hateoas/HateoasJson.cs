using System.Globalization;
using System.Text;
using SlapOS.Wire;

namespace SlapOS.Master.Api.Hateoas;

/// <summary>
/// Writes JSON as Flask's <c>jsonify</c> does, which the slapos client was written against: compact
/// separators, keys sorted by code point, non-ASCII escaped as <c>\uXXXX</c>, floats as Python's
/// <c>repr</c>, and a trailing newline. Values are dictionaries, lists, strings, numbers, booleans and null.
/// </summary>
internal static class HateoasJson
{
    public static string Write(object? value)
    {
        var sb = new StringBuilder();
        WriteValue(sb, value);
        return sb.Append('\n').ToString();
    }

    private static void WriteValue(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case string text:
                WriteString(sb, text);
                break;
            case bool flag:
                sb.Append(flag ? "true" : "false");
                break;
            case int or long:
                sb.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                sb.Append(PythonRepr.Repr(number));
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                sb.Append('{');
                var first = true;
                foreach (var (key, item) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    WriteValue(sb, item);
                }

                sb.Append('}');
                break;
            case IEnumerable<object?> list:
                sb.Append('[');
                var firstItem = true;
                foreach (var item in list)
                {
                    if (!firstItem)
                    {
                        sb.Append(',');
                    }

                    firstItem = false;
                    WriteValue(sb, item);
                }

                sb.Append(']');
                break;
            default:
                throw new ArgumentException($"{value.GetType()} has no HATEOAS JSON form", nameof(value));
        }
    }

    private static void WriteString(StringBuilder sb, string text)
    {
        sb.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        // UTF-16 code units are exactly what Python's ensure_ascii writes (surrogate pairs included).
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
