using System.Text;
using System.Xml;

namespace SlapOS.Wire;

/// <summary>
/// The <c>&lt;instance&gt;&lt;parameter id=..&gt;</c> document SlapOS stores parameters in, and sends as
/// <c>connection_xml</c> inside request answers (software_instance.xsd).
/// </summary>
public static class InstanceParameterXml
{
    /// <summary>Writes parameters as slapproxy does: sorted ids, two-space indent, values escaped once, final newline.</summary>
    public static string Write(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var sorted = parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder("<?xml version='1.0' encoding='utf-8'?>\n");
        if (sorted.Count == 0)
        {
            return sb.Append("<instance/>\n").ToString();
        }

        sb.Append("<instance>\n");
        foreach (var (key, value) in sorted)
        {
            sb.Append("  <parameter id=\"").Append(Escape(key, attribute: true)).Append("\">")
                .Append(Escape(value ?? string.Empty, attribute: false)).Append("</parameter>\n");
        }

        return sb.Append("</instance>\n").ToString();
    }

    /// <summary>Reads the document (safely: no DTD, no resolver, bounded); an empty parameter reads as an empty string.</summary>
    /// <exception cref="SlapMarshalException">The document is not an instance document.</exception>
    public static IReadOnlyDictionary<string, string> Read(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = SlapMarshalLimits.Default.MaxDocumentSize,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var reader = XmlReader.Create(new StringReader(document), settings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "instance")
            {
                throw new SlapMarshalException("the root element must be <instance>");
            }

            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "parameter" && reader.Depth == 1)
                {
                    var id = reader.GetAttribute("id") ?? throw new SlapMarshalException("<parameter> needs an id");
                    var value = reader.IsEmptyElement ? string.Empty : reader.ReadElementContentAsString();

                    // Repeated ids are joined with a space, as SlapOS reads them.
                    result[id] = result.TryGetValue(id, out var previous) ? previous + " " + value : value;
                }
            }
        }
        catch (XmlException ex)
        {
            throw new SlapMarshalException("not a well-formed instance document: " + ex.Message, ex);
        }

        return result;
    }

    private static string Escape(string value, bool attribute)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' when attribute => "&quot;",
                '\r' => "&#13;",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }
}
