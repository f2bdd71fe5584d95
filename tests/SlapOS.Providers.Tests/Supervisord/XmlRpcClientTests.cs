using System.Xml;
using System.Xml.Linq;
using SlapOS.Providers.Supervisord;

namespace SlapOS.Providers.Tests.Supervisord;

/// <summary>The XML-RPC encoding the supervisord provider speaks.</summary>
public sealed class XmlRpcClientTests
{
    [Fact]
    public void Call_encodes_strings_booleans_and_integers()
    {
        var call = XmlRpcClient.WriteCall("supervisor.stopProcessGroup", ["slappart0 & <web>", false, 3]);

        var document = XDocument.Parse(call);
        Assert.Equal("supervisor.stopProcessGroup", document.Root!.Element("methodName")!.Value);
        var values = document.Root.Element("params")!.Elements("param").Select(p => p.Element("value")!.Elements().Single()).ToList();
        Assert.Equal(("string", "slappart0 & <web>"), (values[0].Name.LocalName, values[0].Value));
        Assert.Equal(("boolean", "0"), (values[1].Name.LocalName, values[1].Value));
        Assert.Equal(("int", "3"), (values[2].Name.LocalName, values[2].Value));
    }

    [Fact]
    public void Response_decodes_arrays_structs_and_untyped_strings()
    {
        var response = XDocument.Parse("""
            <methodResponse><params><param><value><array><data>
            <value><struct>
              <member><name>name</name><value><string>web-on-watch</string></value></member>
              <member><name>pid</name><value><int>42</int></value></member>
              <member><name>group</name><value>slappart0</value></member>
            </struct></value>
            <value><boolean>1</boolean></value>
            </data></array></value></param></params></methodResponse>
            """);

        var array = Assert.IsType<List<object?>>(XmlRpcClient.ReadResponse(response));
        var info = Assert.IsType<Dictionary<string, object?>>(array[0]);
        Assert.Equal("web-on-watch", info["name"]);
        Assert.Equal(42, info["pid"]);
        Assert.Equal("slappart0", info["group"]);
        Assert.Equal(true, array[1]);
    }

    [Fact]
    public void Fault_becomes_an_exception_with_its_code()
    {
        var response = XDocument.Parse("""
            <methodResponse><fault><value><struct>
              <member><name>faultCode</name><value><int>90</int></value></member>
              <member><name>faultString</name><value><string>ALREADY_ADDED: slappart0</string></value></member>
            </struct></value></fault></methodResponse>
            """);

        var fault = Assert.Throws<XmlRpcFaultException>(() => XmlRpcClient.ReadResponse(response));
        Assert.Equal(90, fault.Code);
        Assert.Equal("ALREADY_ADDED: slappart0", fault.FaultString);
    }

    [Fact]
    public async Task A_response_with_a_DTD_is_refused()
    {
        var socket = Path.Combine(Path.GetTempPath(), "slapos-xmlrpc-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
        listener.Listen();
        try
        {
            var server = Task.Run(async () =>
            {
                using var connection = await listener.AcceptAsync();
                var buffer = new byte[65536];
                var request = string.Empty;
                while (!request.Contains("</methodCall>", StringComparison.Ordinal))
                {
                    var read = await connection.ReceiveAsync(buffer);
                    if (read == 0)
                    {
                        break;
                    }

                    request += System.Text.Encoding.UTF8.GetString(buffer, 0, read);
                }

                var body = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><methodResponse><params><param><value>&e;</value></param></params></methodResponse>";
                var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {System.Text.Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                await connection.SendAsync(System.Text.Encoding.UTF8.GetBytes(response));
            });
            using var client = new XmlRpcClient(socket, TimeSpan.FromSeconds(10));

            await Assert.ThrowsAsync<XmlException>(() => client.CallAsync("supervisor.getPID", [], CancellationToken.None));
            await server;
        }
        finally
        {
            File.Delete(socket);
        }
    }
}
