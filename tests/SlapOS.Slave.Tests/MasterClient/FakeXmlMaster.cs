using System.Net;
using System.Text;
using SlapOS.Tests.Wire;
using SlapOS.Wire;

namespace SlapOS.Slave.Tests.MasterClient;

/// <summary>
/// A tiny in-memory master speaking the legacy XML API through <see cref="SlapWireObjects"/>, just enough
/// to run <see cref="MasterClientConformanceTests"/> against the XML client.
/// </summary>
internal sealed class FakeXmlMaster : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ComputerFormat> _computers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SoftwareInstance> _instances = new(StringComparer.Ordinal);
    private long _clock = 1_700_000_000_000_000;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var fields = WireCaptures.ParseForm(request.Method == HttpMethod.Get ? request.RequestUri!.Query.TrimStart('?') : body)
            .ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        lock (_lock)
        {
            var (status, text) = Handle(request.RequestUri!.AbsolutePath.Trim('/'), fields);
            return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "text/html") };
        }
    }

    private (HttpStatusCode, string) Handle(string endpoint, Dictionary<string, string> f)
    {
        switch (endpoint)
        {
            case "loadComputerConfigurationFromXML":
                var format = SlapWireObjects.ReadComputerFormat(SlapMarshal.Read(f["xml"]));
                _computers[format.ComputerReference] = format;
                return (HttpStatusCode.OK, "done");
            case "getFullComputerInformation":
                return _computers.TryGetValue(f["computer_id"], out var computer)
                    ? (HttpStatusCode.OK, SlapMarshal.Write(SlapWireObjects.ToComputer(Document(computer))))
                    : (HttpStatusCode.NotFound, "<p>unknown computer</p>");
            case "requestComputerPartition":
                return Request(f);
            case "setComputerPartitionConnectionXml":
                var owner = Owner(f);
                _instances[owner.Title] = owner with { ConnectionParameters = SlapWireObjects.FlattenParameters(SlapMarshal.Read(f["connection_xml"]), "connection_xml") };
                return (HttpStatusCode.OK, "done");
            case "softwareInstanceBang":
                var banged = Owner(f);
                _instances[banged.Title] = banged with { Timestamp = Tick() };
                return (HttpStatusCode.OK, "OK");
            case "startedComputerPartition" or "stoppedComputerPartition" or "softwareInstanceError"
                or "buildingSoftwareRelease" or "availableSoftwareRelease" or "softwareReleaseError" or "useComputer":
                return (HttpStatusCode.OK, "Ignored");
            default:
                return (HttpStatusCode.NotFound, "<p>no such endpoint</p>");
        }
    }

    private (HttpStatusCode, string) Request(Dictionary<string, string> f)
    {
        var title = f["partition_reference"];
        var parameters = SlapWireObjects.FlattenParameters(SlapMarshal.Read(f["partition_parameter_xml"]), "partition_parameter_xml");
        var sla = SlapWireObjects.FlattenParameters(SlapMarshal.Read(f["filter_xml"]), "filter_xml");
        var state = SlapStates.ParseRequestedState(SlapMarshal.Read(f["state"]) as string ?? "started");
        if (_instances.TryGetValue(title, out var existing))
        {
            var changed = !existing.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
                || existing.RequestedState != state;
            if (changed)
            {
                existing = existing with { Parameters = parameters, RequestedState = state, Timestamp = Tick() };
                _instances[title] = existing;
            }

            return Answer(existing);
        }

        var computer = _computers.GetValueOrDefault(sla.GetValueOrDefault("computer_guid") ?? string.Empty);
        var free = computer?.Partitions.FirstOrDefault(p => !_instances.Values.Any(i => i.ComputerReference == computer.ComputerReference && i.PartitionReference == p.Reference));
        if (computer is null || free is null)
        {
            return (HttpStatusCode.NotFound, $"<p>No free computer partition found for: {WebUtility.HtmlEncode(title)}</p>");
        }

        var instance = new SoftwareInstance
        {
            Reference = computer.ComputerReference + "-" + free.Reference,
            Title = title,
            RequesterReference = InstanceRequest.RootRequester,
            RootReference = computer.ComputerReference + "-" + free.Reference,
            SoftwareReleaseUrl = f["software_release"],
            SoftwareType = f["software_type"],
            Parameters = parameters,
            Sla = sla,
            RequestedState = state,
            ComputerReference = computer.ComputerReference,
            PartitionReference = free.Reference,
            Timestamp = Tick(),
        };
        _instances[title] = instance;
        return Answer(instance);
    }

    private (HttpStatusCode, string) Answer(SoftwareInstance instance)
    {
        var partition = _computers[instance.ComputerReference!].Partitions.Single(p => p.Reference == instance.PartitionReference);
        return (HttpStatusCode.OK, SlapMarshal.Write(SlapWireObjects.ToSoftwareInstance(instance, partition.Addresses)));
    }

    private SoftwareInstance Owner(Dictionary<string, string> f) =>
        _instances.Values.Single(i => i.ComputerReference == f["computer_id"] && i.PartitionReference == f["computer_partition_id"]);

    private ComputerDocument Document(ComputerFormat computer) => new(
        computer.ComputerReference,
        [],
        computer.Partitions.Select(p =>
        {
            var instance = _instances.Values.SingleOrDefault(i => i.ComputerReference == computer.ComputerReference && i.PartitionReference == p.Reference);
            var partition = new PartitionInstance { ComputerReference = computer.ComputerReference, PartitionReference = p.Reference, Addresses = p.Addresses };
            return instance is null ? partition : partition with
            {
                InstanceReference = instance.Reference,
                Title = instance.Title,
                RootTitle = instance.Title,
                SoftwareReleaseUrl = instance.SoftwareReleaseUrl,
                SoftwareType = instance.SoftwareType,
                RequestedState = instance.RequestedState,
                Parameters = instance.Parameters,
                Timestamp = instance.Timestamp,
                ConnectionParameters = instance.ConnectionParameters,
            };
        }).ToList());

    private InstanceTimestamp Tick() => new(_clock += 1000);
}
