using System.Globalization;
using System.Numerics;
using System.Text;
using System.Xml;

namespace SlapOS.Wire;

/// <summary>
/// A recursive-descent reader over a forward-only <see cref="XmlReader"/> with DTDs prohibited and no
/// resolver. Depth is checked before descending, so hostile nesting cannot exhaust the stack.
/// </summary>
internal sealed class MarshalReader
{
    // Python refuses int() of more than 4300 digits by default; so do we (BigInteger parsing is quadratic).
    private const int MaxIntegerDigits = 4300;

    private readonly XmlReader _xml;
    private readonly SlapMarshalLimits _limits;
    private readonly Dictionary<string, (object Value, long Weight)> _ids = new(StringComparer.Ordinal);
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private long _elements;

    private MarshalReader(XmlReader xml, SlapMarshalLimits limits)
    {
        _xml = xml;
        _limits = limits;
    }

    public static object? Read(TextReader text, SlapMarshalLimits limits)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = limits.MaxDocumentSize,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = false,
            CheckCharacters = true,
            CloseInput = false,
        };

        try
        {
            using var xml = XmlReader.Create(text, settings);
            return new MarshalReader(xml, limits).ReadDocument();
        }
        catch (XmlException ex)
        {
            throw new SlapMarshalException("not well-formed XML: " + ex.Message, ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new SlapMarshalException("the document is not valid UTF-8", ex);
        }
    }

    private object? ReadDocument()
    {
        if (_xml.MoveToContent() != XmlNodeType.Element || _xml.LocalName != "marshal")
        {
            throw new SlapMarshalException("the root element must be <marshal>");
        }

        if (_xml.NamespaceURI.Length != 0 || _xml.Prefix.Length != 0)
        {
            throw new SlapMarshalException("the <marshal> root must have no namespace");
        }

        if (_xml.IsEmptyElement)
        {
            throw new SlapMarshalException("<marshal> must hold exactly one value");
        }

        object? value = null;
        var count = 0;
        _xml.Read();
        while (true)
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Element:
                    if (++count > 1)
                    {
                        throw new SlapMarshalException("<marshal> must hold exactly one value");
                    }

                    value = ReadValue(1, out _);
                    continue;
                case XmlNodeType.EndElement:
                    break;
                case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    _xml.Read();
                    continue;
                case XmlNodeType.None:
                    throw new SlapMarshalException("the document ends early");
                default:
                    throw new SlapMarshalException($"unexpected {_xml.NodeType} inside <marshal>");
            }

            break;
        }

        if (count == 0)
        {
            throw new SlapMarshalException("<marshal> must hold exactly one value");
        }

        // Read to the end so that trailing garbage or a second root is refused too.
        while (_xml.Read())
        {
        }

        return value;
    }

    private object? ReadValue(int depth, out long weight)
    {
        if (depth > _limits.MaxDepth)
        {
            throw new SlapMarshalException(FormattableString.Invariant($"nesting is deeper than {_limits.MaxDepth}"));
        }

        Count(1);
        if (_xml.NamespaceURI.Length != 0 || _xml.Prefix.Length != 0)
        {
            throw new SlapMarshalException($"unexpected namespaced element <{_xml.Name}>");
        }

        weight = 1;
        var name = _xml.LocalName;
        switch (name)
        {
            case "string" or "unicode":
                return Unescape(ReadText(name));
            case "int" or "long":
                return Narrow(ParseInteger(ReadText(name), name));
            case "bool":
                return !ParseInteger(ReadText(name), name).IsZero;
            case "float":
                return ParseFloat(ReadText(name), name);
            case "complex":
                return ParseComplex(ReadText(name));
            case "none":
                if (ReadText(name).Trim().Length != 0)
                {
                    throw new SlapMarshalException("<none> must be empty");
                }

                return null;
            case "tuple":
                {
                    var items = new List<object?>();
                    weight += ReadChildren(name, depth, items, 0);
                    return new MarshalTuple(items);
                }

            case "list":
                {
                    var id = Open();
                    var items = new List<object?>();
                    weight += ReadChildren(name, depth, items, 0);
                    return Close(id, items, weight);
                }

            case "set":
                {
                    var id = Open();
                    var items = new List<object?>();
                    weight += ReadChildren(name, depth, items, 0);
                    return Close(id, new MarshalSet(items), weight);
                }

            case "dictionary":
                {
                    var id = Open();
                    var dictionary = new Dictionary<object, object?>();
                    weight += ReadDictionary(depth, dictionary);
                    return Close(id, dictionary, weight);
                }

            case "object":
                return ReadObject(depth, out weight);
            case "reference":
                return ReadReference(out weight);
            default:
                throw new SlapMarshalException($"unknown element <{name}>");
        }
    }

    private MarshalObject ReadObject(int depth, out long weight)
    {
        var module = _xml.GetAttribute("module");
        var className = _xml.GetAttribute("class");
        if (module != MarshalObject.SlapModule || className is null || !MarshalObject.KnownClasses.Contains(className))
        {
            throw new SlapMarshalException($"object class '{module}.{className}' is not allowed; only {MarshalObject.SlapModule}.{{{string.Join(", ", MarshalObject.KnownClasses)}}} are");
        }

        var id = Open();
        var children = new List<object?>();
        weight = 1 + ReadChildren("object", depth, children, 0);
        if (children.Count != 2 || children[0] is not MarshalTuple initArgs || children[1] is not Dictionary<object, object?> state)
        {
            throw new SlapMarshalException($"<object class=\"{className}\"> must hold a <tuple> then a <dictionary>");
        }

        if (state.Keys.Any(k => k is not string))
        {
            throw new SlapMarshalException($"the state of <object class=\"{className}\"> must have string keys");
        }

        return (MarshalObject)Close(id, new MarshalObject(module, className, initArgs, state), weight);
    }

    private object ReadReference(out long weight)
    {
        var id = _xml.GetAttribute("id") ?? throw new SlapMarshalException("<reference> needs an id");
        if (!_xml.IsEmptyElement)
        {
            if (ReadText("reference").Trim().Length != 0)
            {
                throw new SlapMarshalException("<reference> must be empty");
            }
        }
        else
        {
            _xml.Read();
        }

        if (_open.Contains(id))
        {
            throw new SlapMarshalException($"reference to '{id}' points into itself");
        }

        if (!_ids.TryGetValue(id, out var target))
        {
            throw new SlapMarshalException($"reference to unknown id '{id}'");
        }

        // A reference re-uses a whole structure: count it again, so references cannot hide a huge expansion.
        Count(target.Weight);
        weight = target.Weight;
        return target.Value;
    }

    private string? Open()
    {
        var id = _xml.GetAttribute("id");
        if (id is null)
        {
            return null;
        }

        if (id.Length > 32 || _ids.ContainsKey(id) || !_open.Add(id))
        {
            throw new SlapMarshalException($"id '{(id.Length > 32 ? id[..32] + "…" : id)}' is invalid or used twice");
        }

        return id;
    }

    private object Close(string? id, object value, long weight)
    {
        if (id is not null)
        {
            _open.Remove(id);
            _ids.Add(id, (value, weight));
        }

        return value;
    }

    private long ReadDictionary(int depth, Dictionary<object, object?> dictionary)
    {
        var items = new List<object?>();
        var weight = ReadChildren("dictionary", depth, items, 0);
        if (items.Count % 2 != 0)
        {
            throw new SlapMarshalException("<dictionary> must hold key, value pairs");
        }

        for (var i = 0; i < items.Count; i += 2)
        {
            var key = items[i];
            if (key is not (string or long or BigInteger or bool or double))
            {
                throw new SlapMarshalException($"dictionary key of type {(key is null ? "none" : key.GetType().Name)} is not supported");
            }

            dictionary[key] = items[i + 1];
        }

        return weight;
    }

    /// <summary>Reads the child values of a container; returns their total weight.</summary>
    private long ReadChildren(string name, int depth, List<object?> items, long weight)
    {
        if (_xml.IsEmptyElement)
        {
            _xml.Read();
            return weight;
        }

        _xml.Read();
        while (true)
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Element:
                    items.Add(ReadValue(depth + 1, out var w));
                    weight += w;
                    if (weight > _limits.MaxElements)
                    {
                        throw TooManyElements();
                    }

                    break;
                case XmlNodeType.EndElement:
                    _xml.Read();
                    return weight;
                case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    _xml.Read();
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    throw new SlapMarshalException($"unexpected text inside <{name}>");
                case XmlNodeType.None:
                    throw new SlapMarshalException("the document ends early");
                default:
                    throw new SlapMarshalException($"unexpected {_xml.NodeType} inside <{name}>");
            }
        }
    }

    private string ReadText(string name)
    {
        if (_xml.IsEmptyElement)
        {
            _xml.Read();
            return string.Empty;
        }

        var sb = new StringBuilder();
        _xml.Read();
        while (true)
        {
            switch (_xml.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    sb.Append(_xml.Value);
                    _xml.Read();
                    break;
                case XmlNodeType.EndElement:
                    _xml.Read();
                    return sb.ToString();
                case XmlNodeType.Element:
                    throw new SlapMarshalException($"unexpected element <{_xml.Name}> inside <{name}>");
                case XmlNodeType.None:
                    throw new SlapMarshalException("the document ends early");
                default:
                    throw new SlapMarshalException($"unexpected {_xml.NodeType} inside <{name}>");
            }
        }
    }

    private void Count(long elements)
    {
        _elements += elements;
        if (_elements > _limits.MaxElements)
        {
            throw TooManyElements();
        }
    }

    private SlapMarshalException TooManyElements() =>
        new(FormattableString.Invariant($"the document holds more than {_limits.MaxElements} elements"));

    /// <summary>The second unescaping level (§4): the marshaller escaped the text before the XML writer did.</summary>
    internal static string Unescape(string text)
    {
        if (!text.Contains('&', StringComparison.Ordinal))
        {
            return text;
        }

        return text.Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal);
    }

#pragma warning disable CA1859 // Returns a boxed long or a BigInteger on purpose.
    private static object Narrow(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
#pragma warning restore CA1859

    private static BigInteger ParseInteger(string text, string name)
    {
        var t = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        if (t.Length == 0 || t.Length > MaxIntegerDigits + 1
            || !BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new SlapMarshalException($"<{name}> holds '{Shorten(text)}', not an integer");
        }

        return value;
    }

    private static double ParseFloat(string text, string name) =>
        PythonFloat.TryParse(text, out var value)
            ? value
            : throw new SlapMarshalException($"<{name}> holds '{Shorten(text)}', not a float");

    private static Complex ParseComplex(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            throw new SlapMarshalException($"<complex> holds '{Shorten(text)}', not two floats");
        }

        return new Complex(ParseFloat(parts[0], "complex"), ParseFloat(parts[1], "complex"));
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
