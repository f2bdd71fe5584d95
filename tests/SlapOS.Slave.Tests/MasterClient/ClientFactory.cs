using Microsoft.Extensions.Options;
using SlapOS.Slave;

namespace SlapOS.Tests.Wire;

internal static class ClientFactory
{
    public const string MasterUrl = "http://127.0.0.1:18742/";

    public static IOptions<SlapOSSlaveOptions> Options(string computer) =>
        Microsoft.Extensions.Options.Options.Create(new SlapOSSlaveOptions { ComputerReference = computer, MasterUrl = MasterUrl });

    public static XmlSlapMasterClient Xml(HttpMessageHandler handler, string computer = "local_computer") =>
        new(new HttpClient(handler) { BaseAddress = new Uri(MasterUrl) }, Options(computer));

    public static JsonSlapMasterClient Json(HttpMessageHandler handler, string computer = "COMP-2") =>
        new(new HttpClient(handler) { BaseAddress = new Uri(MasterUrl) }, Options(computer));
}
