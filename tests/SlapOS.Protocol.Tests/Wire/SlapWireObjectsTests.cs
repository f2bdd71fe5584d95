using System.Text.RegularExpressions;
using SlapOS.Wire;

namespace SlapOS.Tests.Wire;

/// <summary>The model mapping against the captures: model → marshal object gives the captured bodies back.</summary>
public partial class SlapWireObjectsTests
{
    private const string Sr1 = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";

    public static TheoryData<int> NodeViewAnswers() => Seqs(e =>
        e.Status == 200 && e.Path is "/getFullComputerInformation" or "/getComputerInformation" or "/registerComputerPartition");

    public static TheoryData<int> RequestAnswers() => Seqs(e =>
        e.Status == 200 && e.Path == "/requestComputerPartition" && e.ResponseBody.Contains("class=\"SoftwareInstance\"", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(NodeViewAnswers))]
    public void Node_view_read_into_the_model_is_written_back_identically(int seq)
    {
        var exchange = WireCaptures.BySeq(seq);
        var value = SlapMarshal.Read(exchange.ResponseBody);

        var written = exchange.Path == "/registerComputerPartition"
            ? SlapMarshal.Write(SlapWireObjects.ToComputerPartition(SlapWireObjects.ReadComputerPartition(value)))
            : SlapMarshal.Write(SlapWireObjects.ToComputer(SlapWireObjects.ReadComputer(value)));

        // Our timestamps have microsecond precision; SlapOS writes a Python float repr.
        Assert.Equal(NormalizeTimestamps(exchange.ResponseBody), NormalizeTimestamps(written));
    }

    [Theory]
    [MemberData(nameof(RequestAnswers))]
    public void Request_answer_read_into_the_model_is_written_back_identically(int seq)
    {
        var exchange = WireCaptures.BySeq(seq);
        var request = RequestFromForm(exchange);
        var answer = (MarshalObject)SlapMarshal.Read(exchange.ResponseBody)!;

        var instance = SlapWireObjects.ReadSoftwareInstance(answer, request);
        var written = SlapMarshal.Write(SlapWireObjects.ToSoftwareInstance(instance, SlapWireObjects.ReadIpList(answer.Get("ip_list"))));

        Assert.Equal(NormalizeTimestamps(exchange.ResponseBody), NormalizeTimestamps(written));
    }

    [Theory]
    [InlineData(ReportedState.Started, null)]
    [InlineData(ReportedState.Error, "promise failed")]
    public void A_request_answer_carries_what_the_node_reported_as_access_status(ReportedState state, string? error)
    {
        var request = new InstanceRequest { Title = "Forwarded", SoftwareReleaseUrl = Sr1 };
        var instance = new SoftwareInstance
        {
            Reference = "SOFTINST-7",
            RequesterReference = InstanceRequest.RootRequester,
            Title = "Forwarded",
            RootReference = "SOFTINST-7",
            SoftwareReleaseUrl = Sr1,
            ComputerReference = "COMP-1",
            PartitionReference = "slappart3",
            ReportedState = state,
            ErrorMessage = error,
        };

        var answer = (MarshalObject)SlapMarshal.Read(SlapMarshal.Write(SlapWireObjects.ToSoftwareInstance(instance, [])))!;
        var read = SlapWireObjects.ReadSoftwareInstance(answer, request);

        Assert.Equal(SlapAccessStatus.ToText(state, error), answer.Get("_access_status"));
        Assert.Equal(state, read.ReportedState);
        Assert.Equal(error, read.ErrorMessage);
    }

    [Fact]
    public void A_request_answer_before_any_report_has_no_access_status()
    {
        var instance = new SoftwareInstance { Reference = "SOFTINST-8", RequesterReference = InstanceRequest.RootRequester, Title = "New", RootReference = "SOFTINST-8", SoftwareReleaseUrl = Sr1 };

        var answer = SlapWireObjects.ToSoftwareInstance(instance, []);
        var read = SlapWireObjects.ReadSoftwareInstance(answer, new InstanceRequest { Title = "New", SoftwareReleaseUrl = Sr1 });

        Assert.False(answer.State.ContainsKey("_access_status"));
        Assert.Equal(ReportedState.None, read.ReportedState);
    }

    [Fact]
    public void Fake_frontend_answer_is_read_as_a_shared_instance_with_its_connection()
    {
        var exchange = WireCaptures.BySeq(109);
        var request = RequestFromForm(exchange);

        var instance = SlapWireObjects.ReadSoftwareInstance(SlapMarshal.Read(exchange.ResponseBody), request);

        Assert.True(instance.Shared);
        Assert.Equal("Fake frontend for http://10.0.0.5:8080/app", instance.PartitionReference);
        Assert.Equal("10.0.0.5:8080", instance.ConnectionParameters["domain"]);
        Assert.Equal("http://10.0.0.5:8080/app", instance.ConnectionParameters["secure_access"]);
    }

    [Fact]
    public void Computer_after_supply_lists_available_and_destroyed_releases()
    {
        var document = SlapWireObjects.ReadComputer(SlapMarshal.Read(WireCaptures.BySeq(14).ResponseBody));

        Assert.Equal("local_computer", document.ComputerReference);
        Assert.Equal(3, document.Partitions.Count);
        Assert.All(document.Partitions, p => Assert.Null(p.SoftwareReleaseUrl));
        Assert.Contains(document.SoftwareInstallations, s => s.SoftwareReleaseUrl == Sr1 && s.RequestedState == SupplyState.Available);
        Assert.Contains(document.SoftwareInstallations, s => s.SoftwareReleaseUrl == "https://example.com/sr/kvm/software.cfg" && s.RequestedState == SupplyState.Destroyed);
    }

    [Fact]
    public void Host_partition_reads_its_shared_instances_and_enrichment()
    {
        var partition = SlapWireObjects.ReadComputerPartition(SlapMarshal.Read(WireCaptures.BySeq(35).ResponseBody));

        Assert.Equal("slappart0", partition.PartitionReference);
        Assert.Equal("local_computer-slappart0", partition.InstanceReference);
        Assert.Equal("root-inst", partition.Title);
        Assert.Equal("root-inst", partition.RootTitle);
        Assert.Equal("mytype", partition.SoftwareType);
        Assert.Equal(Sr1, partition.SoftwareReleaseUrl);
        Assert.Equal(RequestedState.Started, partition.RequestedState);
        Assert.Equal(new Dictionary<string, string> { ["extra"] = "yes", ["name"] = "Wire", ["port"] = "8080" }, partition.Parameters);
        Assert.Equal([new PartitionAddress("10.0.151.10", string.Empty, "slaptap0"), new PartitionAddress("2001:db8:1::10", string.Empty, "slaptap0")], partition.Addresses);
        Assert.Equal(InstanceTimestamp.Parse("1795545640.694194"), partition.Timestamp);
        Assert.Equal(2, partition.SharedInstances.Count);
        var shared = partition.SharedInstances[0];
        Assert.Equal("_shared-inst", shared.Reference);
        Assert.Equal("mytype", shared.SoftwareType);
        Assert.Equal(new Dictionary<string, string> { ["url"] = "https://backend.example:443/" }, shared.Parameters);
    }

    [Fact]
    public void Partition_built_from_the_model_is_enriched_as_slapos_does()
    {
        var partition = new PartitionInstance
        {
            ComputerReference = "COMP-9",
            PartitionReference = "slappart3",
            InstanceReference = "SOFTINST-7",
            Title = "child",
            RootTitle = "root",
            SoftwareReleaseUrl = Sr1,
            SoftwareType = "db",
            RequestedState = RequestedState.Stopped,
            Parameters = new Dictionary<string, string> { ["empty"] = string.Empty, ["size"] = "3" },
            Addresses = [new PartitionAddress("10.0.0.3", "255.255.255.255", "slaptap3"), new PartitionAddress("fd42::3", "ffff::")],
            SharedInstances = [new SharedInstanceEntry("SHARED-1", "front", "default", new Dictionary<string, string> { ["url"] = "x" }, new InstanceTimestamp(5))],
            Timestamp = new InstanceTimestamp(1_795_545_640_694_194),
        };

        var state = SlapWireObjects.ToComputerPartition(partition).State;
        var parameters = (Dictionary<object, object?>)state["_parameter_dict"]!;

        Assert.Equal("SOFTINST-7", state["_instance_guid"]);
        Assert.Equal(1L, state["_need_modification"]);
        Assert.Equal("stopped", state["_requested_state"]);
        Assert.Null(parameters["empty"]);
        Assert.Equal("3", parameters["size"]);
        Assert.Equal("child", parameters["instance_title"]);
        Assert.Equal("root", parameters["root_instance_title"]);
        Assert.Equal("COMP-9", parameters["slap_computer_id"]);
        Assert.Equal("slappart3", parameters["slap_computer_partition_id"]);
        Assert.Equal(Sr1, parameters["slap_software_release_url"]);
        Assert.Equal("db", parameters["slap_software_type"]);
        Assert.Equal("1795545640.694194", parameters["timestamp"]);
        Assert.Empty((List<object?>)parameters["full_address_list"]!);
        Assert.Equal(
            [new MarshalTuple("slaptap3", "10.0.0.3"), new MarshalTuple("slappart3", "fd42::3")],
            ((List<object?>)parameters["ip_list"]!).Cast<MarshalTuple>(),
            (a, b) => a.Items.SequenceEqual(b.Items));
        var shared = (Dictionary<object, object?>)((List<object?>)parameters["slave_instance_list"]!).Single()!;
        Assert.Equal("SHARED-1", shared["slave_reference"]);
        Assert.Equal("front", shared["slave_title"]);
        Assert.Equal("x", shared["url"]);

        var back = SlapWireObjects.ReadComputerPartition(SlapMarshal.Read(SlapMarshal.Write(SlapWireObjects.ToComputerPartition(partition))));
        Assert.Equal(partition.Parameters, back.Parameters);
        Assert.Equal(partition.Title, back.Title);
        Assert.Equal(partition.Timestamp, back.Timestamp);
        Assert.Equal("SHARED-1", back.SharedInstances.Single().Reference);
    }

    [Fact]
    public void Free_partition_is_written_as_slapos_writes_it()
    {
        var xml = SlapMarshal.Write(SlapWireObjects.ToComputerPartition(new PartitionInstance { ComputerReference = "local_computer", PartitionReference = "slappart2" }));

        Assert.Equal(WireCaptures.BySeq(29).ResponseBody, xml);
    }

    [Fact]
    public void Request_parameters_are_flattened_with_python_str_as_the_master_stores_them()
    {
        var sent = SlapWireObjects.FlattenParameters(SlapMarshal.Read(WireCaptures.BySeq(88).Form("partition_parameter_xml")), "partition_parameter_xml");
        var stored = (Dictionary<object, object?>)((MarshalObject)SlapMarshal.Read(WireCaptures.BySeq(89).ResponseBody)!).State["_parameter_dict"]!;

        Assert.Equal(19, sent.Count);
        foreach (var (key, value) in sent)
        {
            // What came back is str(value), except that an empty string comes back as None.
            Assert.Equal(value.Length == 0 ? null : value, stored[key]);
        }
    }

    [Fact]
    public void Format_upload_reads_partitions_addresses_and_taps()
    {
        var format = SlapWireObjects.ReadComputerFormat(SlapMarshal.Read(WireCaptures.BySeq(6).Form("xml")));

        Assert.Equal("local_computer", format.ComputerReference);
        Assert.Equal(3, format.Partitions.Count);
        var first = format.Partitions[0];
        Assert.Equal("slappart0", first.Reference);
        Assert.Equal("slaptap0", first.Tap?.Name);
        Assert.Contains(first.Addresses, a => a.Address == "10.0.151.10" && a.Netmask == "255.255.255.255");
    }

    [Fact]
    public void Minimal_format_upload_is_written_byte_identically()
    {
        var field = WireCaptures.BySeq(67).Form("xml");

        var format = SlapWireObjects.ReadComputerFormat(SlapMarshal.Read(field));

        Assert.Equal(field, SlapMarshal.Write(SlapWireObjects.ToFormatDictionary(format)));
    }

    [Fact]
    public void Format_without_reference_is_refused()
    {
        Assert.Throws<SlapMarshalException>(() => SlapWireObjects.ReadComputerFormat(SlapMarshal.Read("<marshal><dictionary id=\"i2\"/></marshal>")));
        Assert.Throws<SlapMarshalException>(() => SlapWireObjects.ReadComputerFormat("not a dictionary"));
    }

    [Fact]
    public void Wrong_objects_are_refused_with_the_typed_exception()
    {
        var release = MarshalObject.Slap("SoftwareRelease", new MarshalTuple(), new Dictionary<object, object?>());

        Assert.Throws<SlapMarshalException>(() => SlapWireObjects.ReadComputer(release));
        Assert.Throws<SlapMarshalException>(() => SlapWireObjects.ReadComputerPartition(null));
        Assert.Throws<SlapMarshalException>(() => SlapWireObjects.ReadComputer(MarshalObject.Slap("Computer", new MarshalTuple(), new Dictionary<object, object?> { ["_computer_id"] = 3L })));
    }

    [Fact]
    public void Instance_parameter_xml_is_written_as_slapos_stores_it()
    {
        var answer = (MarshalObject)SlapMarshal.Read(WireCaptures.BySeq(38).ResponseBody)!;
        var captured = (string)answer.Get("connection_xml")!;

        var parameters = InstanceParameterXml.Read(captured);

        Assert.Equal(new Dictionary<string, string> { ["password"] = "s3cr3t", ["url"] = "http://[2001:db8:1::10]:8080/" }, parameters);
        Assert.Equal(captured, InstanceParameterXml.Write(parameters));
        Assert.Equal("a&b <c> \"d\" 'e'", InstanceParameterXml.Read(InstanceParameterXml.Write(new Dictionary<string, string> { ["x"] = "a&b <c> \"d\" 'e'" }))["x"]);
        Assert.Throws<SlapMarshalException>(() => InstanceParameterXml.Read("<!DOCTYPE instance [<!ENTITY a 'b'>]><instance/>"));
    }

    private static InstanceRequest RequestFromForm(WireExchange exchange)
    {
        var filter = SlapWireObjects.FlattenParameters(SlapMarshal.Read(exchange.Form("filter_xml")), "filter_xml");
        var state = SlapMarshal.Read(exchange.Form("state")) as string;
        return new InstanceRequest
        {
            Title = exchange.Form("partition_reference"),
            SoftwareReleaseUrl = exchange.Form("software_release"),
            SoftwareType = exchange.Form("software_type"),
            Parameters = SlapWireObjects.FlattenParameters(SlapMarshal.Read(exchange.Form("partition_parameter_xml")), "partition_parameter_xml"),
            Sla = filter,
            State = state is null ? RequestedState.Started : SlapStates.ParseRequestedState(state),
            Shared = SlapMarshal.Read(exchange.Form("shared_xml")) is true,
        };
    }

    private static TheoryData<int> Seqs(Func<WireExchange, bool> predicate)
    {
        var data = new TheoryData<int>();
        foreach (var exchange in WireCaptures.All.Where(predicate))
        {
            data.Add(exchange.Seq);
        }

        return data;
    }

    private static string NormalizeTimestamps(string xml) => TimestampPattern().Replace(xml, "<string>T</string>");

    [GeneratedRegex(@"<string>\d{10}\.\d+</string>")]
    private static partial Regex TimestampPattern();
}
