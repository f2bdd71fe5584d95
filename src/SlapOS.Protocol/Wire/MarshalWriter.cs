using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace SlapOS.Wire;

/// <summary>
/// Writes what Python's xml_marshaller (through lxml) writes: no declaration, no whitespace,
/// ids <c>i2</c>, <c>i3</c>… in pre-order, sorted dictionary keys, strings escaped twice, pure ASCII.
/// </summary>
internal sealed class MarshalWriter
{
    private const int MaxDepth = 256;
    private static readonly BigInteger LongThreshold = BigInteger.Pow(10, 24);

    private readonly StringBuilder _sb = new(256);
    private readonly Dictionary<object, int> _seen = new(ReferenceEqualityComparer.Instance);
    private int _lastId = 1;

    public static string Write(object? value)
    {
        var writer = new MarshalWriter();
        writer._sb.Append("<marshal>");
        writer.WriteValue(value, 1);
        writer._sb.Append("</marshal>");
        return writer._sb.ToString();
    }

    private void WriteValue(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new SlapMarshalException(FormattableString.Invariant($"value is nested deeper than {MaxDepth}"));
        }

        switch (value)
        {
            case null:
                _sb.Append("<none/>");
                return;
            case string s:
                _sb.Append("<string>");
                AppendEscapedTwice(s);
                _sb.Append("</string>");
                return;
            case bool b:
                _sb.Append(b ? "<bool>1</bool>" : "<bool>0</bool>");
                return;
            case int or long or short or sbyte or byte or ushort or uint:
                _sb.Append("<int>").Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)).Append("</int>");
                return;
            case ulong u:
                WriteInteger(u);
                return;
            case BigInteger big:
                WriteInteger(big);
                return;
            case double d:
                _sb.Append("<float>").Append(PythonFloat.Repr(d)).Append("</float>");
                return;
            case float f:
                _sb.Append("<float>").Append(PythonFloat.Repr(f)).Append("</float>");
                return;
            case Complex c:
                _sb.Append("<complex>").Append(PythonFloat.Repr(c.Real)).Append(' ').Append(PythonFloat.Repr(c.Imaginary)).Append("</complex>");
                return;
            case MarshalTuple tuple:
                WriteItems("tuple", null, tuple.Items, depth);
                return;
        }

        // Containers: a container met again is written as a reference to its first id (Python identity).
        if (_seen.TryGetValue(value, out var seenId))
        {
            _sb.Append("<reference id=\"i").Append(seenId.ToString(CultureInfo.InvariantCulture)).Append("\"/>");
            return;
        }

        var id = ++_lastId;
        _seen.Add(value, id);
        switch (value)
        {
            case MarshalSet set:
                WriteItems("set", id, set.Items, depth);
                return;
            case MarshalObject obj:
                _sb.Append("<object id=\"i").Append(id.ToString(CultureInfo.InvariantCulture)).Append("\" module=\"");
                AppendEscapedOnce(obj.Module, attribute: true);
                _sb.Append("\" class=\"");
                AppendEscapedOnce(obj.ClassName, attribute: true);
                _sb.Append("\">");
                WriteItems("tuple", null, obj.InitArgs.Items, depth + 1);
                WriteValue(obj.State, depth + 1);
                _sb.Append("</object>");
                return;
            case IDictionary dictionary:
                WriteDictionary(id, EnumerateDictionary(dictionary), depth);
                return;
            case IReadOnlyDictionary<string, string> strings:
                WriteDictionary(id, strings.Select(p => new KeyValuePair<object, object?>(p.Key, p.Value)), depth);
                return;
            case IReadOnlyDictionary<string, object?> objects:
                WriteDictionary(id, objects.Select(p => new KeyValuePair<object, object?>(p.Key, p.Value)), depth);
                return;
            case IEnumerable items:
                WriteItems("list", id, items.Cast<object?>(), depth);
                return;
            default:
                throw new SlapMarshalException($"a {value.GetType().Name} cannot be marshalled");
        }
    }

    private void WriteInteger(BigInteger value)
    {
        var tag = BigInteger.Abs(value) < LongThreshold ? "int" : "long";
        _sb.Append('<').Append(tag).Append('>').Append(value.ToString(CultureInfo.InvariantCulture)).Append("</").Append(tag).Append('>');
    }

    private void WriteItems(string tag, int? id, IEnumerable<object?> items, int depth)
    {
        _sb.Append('<').Append(tag);
        if (id is { } i)
        {
            _sb.Append(" id=\"i").Append(i.ToString(CultureInfo.InvariantCulture)).Append('"');
        }

        var start = _sb.Length;
        _sb.Append('>');
        var any = false;
        foreach (var item in items)
        {
            any = true;
            WriteValue(item, depth + 1);
        }

        if (any)
        {
            _sb.Append("</").Append(tag).Append('>');
        }
        else
        {
            // lxml writes an empty element in its short form.
            _sb.Length = start;
            _sb.Append("/>");
        }
    }

    private void WriteDictionary(int id, IEnumerable<KeyValuePair<object, object?>> pairs, int depth)
    {
        var sorted = pairs.ToList();
        sorted.Sort(static (a, b) => PythonKeyComparer.Instance.Compare(a.Key, b.Key));
        var items = new List<object?>(sorted.Count * 2);
        foreach (var (key, value) in sorted)
        {
            items.Add(key);
            items.Add(value);
        }

        WriteItems("dictionary", id, items, depth);
    }

    private static IEnumerable<KeyValuePair<object, object?>> EnumerateDictionary(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            yield return new KeyValuePair<object, object?>(entry.Key, entry.Value);
        }
    }

    /// <summary>saxutils.escape, then lxml's escape: <c>&amp;</c> → <c>&amp;amp;amp;</c>; non-ASCII as <c>&amp;#N;</c>.</summary>
    private void AppendEscapedTwice(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '&':
                    _sb.Append("&amp;amp;");
                    continue;
                case '<':
                    _sb.Append("&amp;lt;");
                    continue;
                case '>':
                    _sb.Append("&amp;gt;");
                    continue;
            }

            i = AppendCharacter(s, i, attribute: false);
        }
    }

    private void AppendEscapedOnce(string s, bool attribute)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '&':
                    _sb.Append("&amp;");
                    continue;
                case '<':
                    _sb.Append("&lt;");
                    continue;
                case '>':
                    _sb.Append("&gt;");
                    continue;
                case '"' when attribute:
                    _sb.Append("&quot;");
                    continue;
            }

            i = AppendCharacter(s, i, attribute);
        }
    }

    /// <summary>Appends one character (or surrogate pair) as lxml would; returns the last index used.</summary>
    private int AppendCharacter(string s, int i, bool attribute)
    {
        var c = s[i];
        if (c is >= ' ' and < (char)0x7F || (c is '\n' or '\t' && !attribute))
        {
            _sb.Append(c);
            return i;
        }

        if (c == '\r' || (attribute && c is '\n' or '\t'))
        {
            _sb.Append("&#").Append(((int)c).ToString(CultureInfo.InvariantCulture)).Append(';');
            return i;
        }

        int codePoint;
        if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            codePoint = char.ConvertToUtf32(c, s[i + 1]);
            i++;
        }
        else if (c < ' ' || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
        {
            // XML cannot carry these; the Python marshaller fails on them too.
            throw new SlapMarshalException(FormattableString.Invariant($"character U+{(int)c:X4} cannot be written in XML"));
        }
        else
        {
            codePoint = c;
        }

        _sb.Append("&#").Append(codePoint.ToString(CultureInfo.InvariantCulture)).Append(';');
        return i;
    }
}
