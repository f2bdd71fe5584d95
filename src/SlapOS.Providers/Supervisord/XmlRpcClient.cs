using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace SlapOS.Providers.Supervisord;

/// <summary>
/// A minimal XML-RPC client for supervisord's unix socket. Values are <see cref="int"/>,
/// <see cref="bool"/>, <see cref="string"/>, <see cref="double"/>, <c>null</c>,
/// <see cref="List{T}"/> of values and <see cref="Dictionary{TKey, TValue}"/> (structs).
/// Responses are read with DTDs prohibited and no resolver.
/// </summary>
internal sealed class XmlRpcClient : IDisposable
{
    private const int MaxResponseCharacters = 64 * 1024 * 1024;

    private readonly HttpClient http;

    public XmlRpcClient(string socketPath, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        };
        http = new HttpClient(handler) { BaseAddress = new Uri("http://localhost/"), Timeout = timeout };
    }

    /// <summary>Calls <paramref name="method"/>; throws <see cref="XmlRpcFaultException"/> on a fault.</summary>
    public async Task<object?> CallAsync(string method, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        using var content = new StringContent(WriteCall(method, parameters), Encoding.UTF8, "text/xml");
        using var response = await http.PostAsync(new Uri("RPC2", UriKind.Relative), content, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxResponseCharacters,
            Async = true,
        };
        using var reader = XmlReader.Create(stream, settings);
        var document = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken);
        return ReadResponse(document);
    }

    public void Dispose() => http.Dispose();

    internal static string WriteCall(string method, IReadOnlyList<object?> parameters)
    {
        var call = new XElement(
            "methodCall",
            new XElement("methodName", method),
            new XElement("params", parameters.Select(p => new XElement("param", WriteValue(p)))));
        return new XDeclaration("1.0", "utf-8", null) + call.ToString(SaveOptions.DisableFormatting);
    }

    internal static object? ReadResponse(XDocument document)
    {
        var root = document.Root ?? throw new FormatException("Empty XML-RPC response.");
        var fault = root.Element("fault");
        if (fault is not null)
        {
            var value = ReadValue(fault.Element("value") ?? throw new FormatException("XML-RPC fault without a value."));
            if (value is Dictionary<string, object?> details)
            {
                var code = details.GetValueOrDefault("faultCode") is int c ? c : 0;
                throw new XmlRpcFaultException(code, details.GetValueOrDefault("faultString") as string ?? string.Empty);
            }

            throw new FormatException("XML-RPC fault is not a struct.");
        }

        var first = root.Element("params")?.Element("param")?.Element("value")
            ?? throw new FormatException("XML-RPC response without a value.");
        return ReadValue(first);
    }

    private static XElement WriteValue(object? value) => new(
        "value",
        value switch
        {
            null => new XElement("nil"),
            bool b => new XElement("boolean", b ? "1" : "0"),
            int i => new XElement("int", i.ToString(CultureInfo.InvariantCulture)),
            string s => new XElement("string", s),
            _ => throw new ArgumentException($"Unsupported XML-RPC parameter type {value.GetType()}.", nameof(value)),
        });

    private static object? ReadValue(XElement value)
    {
        var typed = value.Elements().FirstOrDefault();
        if (typed is null)
        {
            return value.Value; // untyped value = string
        }

        return typed.Name.LocalName switch
        {
            "int" or "i4" or "i8" => int.Parse(typed.Value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture),
            "boolean" => typed.Value.Trim() == "1",
            "string" => typed.Value,
            "double" => double.Parse(typed.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture),
            "nil" => null,
            "dateTime.iso8601" or "base64" => typed.Value,
            "array" => (typed.Element("data")?.Elements("value") ?? []).Select(ReadValue).ToList(),
            "struct" => typed.Elements("member").ToDictionary(
                m => m.Element("name")?.Value ?? string.Empty,
                m => m.Element("value") is { } v ? ReadValue(v) : null,
                StringComparer.Ordinal),
            _ => throw new FormatException($"Unknown XML-RPC type '{typed.Name.LocalName}'."),
        };
    }
}
