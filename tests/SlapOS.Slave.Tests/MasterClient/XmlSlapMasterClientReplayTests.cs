using System.Xml.Linq;
using SlapOS.Tests.Wire;
using SlapOS.Wire;

namespace SlapOS.Slave.Tests.MasterClient;

/// <summary>The XML client against the captured exchanges: same method, path and form fields; captured answers parsed right.</summary>
public class XmlSlapMasterClientReplayTests
{
    private const string Sr1 = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";

    [Theory]
    [InlineData(7)]
    [InlineData(14)]
    [InlineData(77)]
    [InlineData(102)]
    public async Task Computer_document_is_fetched_as_the_slap_library_does(int seq)
    {
        var capture = WireCaptures.BySeq(seq);
        var handler = ReplayHandler.Of(capture);

        var document = await ClientFactory.Xml(handler).GetComputerDocumentAsync("local_computer", CancellationToken.None);

        var sent = Assert.Single(handler.Requests);
        Assert.Equal(capture.Method, sent.Method);
        Assert.Equal(capture.Target, sent.Path + "?" + sent.Query);
        Assert.Equal(SlapWireObjects.ReadComputer(SlapMarshal.Read(capture.ResponseBody)), document, ComputerDocumentComparer.Instance);
        Assert.Equal(3, document.Partitions.Count);
    }

    [Fact]
    public async Task Computer_document_after_bang_has_instances_with_equal_timestamps()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(77));

        var document = await ClientFactory.Xml(handler).GetComputerDocumentAsync("local_computer", CancellationToken.None);

        var root = document.Partitions.Single(p => p.PartitionReference == "slappart0");
        var child = document.Partitions.Single(p => p.PartitionReference == "slappart1");
        Assert.Equal("root-inst", root.Title);
        Assert.Equal("root-inst", child.RootTitle);
        Assert.Equal(Sr1, root.SoftwareReleaseUrl);
        Assert.NotNull(root.Timestamp);
        Assert.Equal(root.Timestamp, child.Timestamp);
    }

    public static TheoryData<int> ByteIdenticalPosts() => [15, 16, 17, 18, 36, 37, 67, 72, 73, 74, 76, 103];

    [Theory]
    [MemberData(nameof(ByteIdenticalPosts))]
    public async Task Reports_are_posted_byte_identically_to_the_slap_library(int seq)
    {
        var capture = WireCaptures.BySeq(seq);
        var handler = ReplayHandler.Of(capture);
        var client = ClientFactory.Xml(handler, computer: capture.FormFields.FirstOrDefault(f => f.Key == "computer_id").Value ?? "COMP-1");

        await Replay(client, capture);

        var sent = Assert.Single(handler.Requests);
        Assert.Equal("POST", sent.Method);
        Assert.Equal(capture.Path, sent.Path);
        Assert.Equal("application/x-www-form-urlencoded", sent.ContentType);
        Assert.Equal(capture.FormFields, sent.FormFields);
        Assert.Equal(capture.RequestBody, sent.Body);
    }

    [Fact]
    public async Task Destroying_a_root_with_live_children_is_a_conflict()
    {
        var capture = WireCaptures.BySeq(101);
        var handler = ReplayHandler.Of(capture);

        var error = await Assert.ThrowsAsync<SlapException>(() => ClientFactory.Xml(handler).ReportInstanceStateAsync("local_computer", "slappart0", ReportedState.Destroyed, null, CancellationToken.None));

        Assert.Equal(SlapErrorKind.Conflict, error.Kind);
        Assert.Contains("child partitions", error.Message, StringComparison.Ordinal);
        Assert.Equal(capture.RequestBody, Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task Destroying_an_unknown_partition_is_not_found()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(105));

        var error = await Assert.ThrowsAsync<SlapNotFoundException>(() => ClientFactory.Xml(handler).ReportInstanceStateAsync("local_computer", "slappart99", ReportedState.Destroyed, null, CancellationToken.None));

        Assert.Equal("slappart99", error.Reference);
    }

    [Fact]
    public async Task Root_request_sends_the_fields_of_OpenOrder_request_and_reads_the_answer()
    {
        var capture = WireCaptures.BySeq(96);
        var handler = ReplayHandler.Of(capture);
        var request = new InstanceRequest
        {
            Title = "root-inst",
            SoftwareReleaseUrl = Sr1,
            SoftwareType = "mytype",
            Parameters = new Dictionary<string, string> { ["extra"] = "yes", ["name"] = "Wire", ["port"] = "8080" },
            State = RequestedState.Stopped,
        };

        var instance = await ClientFactory.Xml(handler).RequestInstanceAsync(request, CancellationToken.None);

        var sent = Assert.Single(handler.Requests);
        Assert.Equal("/requestComputerPartition", sent.Path);
        Assert.Equal(capture.FormFields, sent.FormFields);
        Assert.Equal(capture.RequestBody, sent.Body);
        Assert.Equal("local_computer-slappart0", instance.Reference);
        Assert.Equal("local_computer", instance.ComputerReference);
        Assert.Equal("slappart0", instance.PartitionReference);
        Assert.Equal(RequestedState.Stopped, instance.RequestedState);
        Assert.Equal("s3cr3t", instance.ConnectionParameters["password"]);
        Assert.Equal(new Dictionary<string, string> { ["extra"] = "yes", ["name"] = "Wire", ["port"] = "8080" }, instance.Parameters);
        Assert.True(instance.Timestamp.Microseconds > 0);
    }

    [Fact]
    public async Task Shared_request_reads_the_host_partition()
    {
        var capture = WireCaptures.BySeq(31);
        var handler = ReplayHandler.Of(capture);
        var request = new InstanceRequest
        {
            Title = capture.Form("partition_reference"),
            SoftwareReleaseUrl = capture.Form("software_release"),
            SoftwareType = capture.Form("software_type"),
            Parameters = SlapWireObjects.FlattenParameters(SlapMarshal.Read(capture.Form("partition_parameter_xml")), "p"),
            Shared = true,
        };

        var instance = await ClientFactory.Xml(handler).RequestInstanceAsync(request, CancellationToken.None);

        var sent = Assert.Single(handler.Requests);
        var expected = capture.FormFields.Where(f => f.Key != "state");
        Assert.Equal(expected, sent.FormFields.Where(f => f.Key != "state"));
        Assert.Equal("<marshal><string>started</string></marshal>", sent.FormFields.Single(f => f.Key == "state").Value);
        Assert.True(instance.Shared);
        Assert.Equal("slappart0", instance.PartitionReference);
        Assert.Equal("https://backend.example:443/", instance.Parameters["url"]);
    }

    [Fact]
    public async Task Child_request_names_the_requesting_partition_as_ComputerPartition_request_does()
    {
        var capture = WireCaptures.BySeq(26);
        var handler = ReplayHandler.Of(WireCaptures.BySeq(27), capture, WireCaptures.BySeq(77));
        var request = new InstanceRequest
        {
            Title = "child-inst",
            RequesterReference = "local_computer-slappart0",
            SoftwareReleaseUrl = Sr1,
            SoftwareType = "child-type",
            Parameters = new Dictionary<string, string> { ["role"] = "db" },
        };

        var instance = await ClientFactory.Xml(handler).RequestInstanceAsync(request, CancellationToken.None);

        // The client learns which partition runs the requester from the computer document, then requests.
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("/getFullComputerInformation", handler.Requests[0].Path);
        var sent = handler.Requests[1];
        Assert.Equal(capture.FormFields.Select(f => f.Key), sent.FormFields.Select(f => f.Key));
        Assert.Equal(capture.FormFields.Where(f => f.Key != "state"), sent.FormFields.Where(f => f.Key != "state"));
        Assert.Equal("slappart1", instance.PartitionReference);
        Assert.Equal("local_computer-slappart0", instance.RootReference);
    }

    [Fact]
    public async Task Child_request_from_an_unknown_instance_is_not_found()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(77));
        var request = new InstanceRequest { Title = "x", RequesterReference = "SOFTINST-404", SoftwareReleaseUrl = Sr1 };

        await Assert.ThrowsAsync<SlapNotFoundException>(() => ClientFactory.Xml(handler).RequestInstanceAsync(request, CancellationToken.None));
    }

    [Fact]
    public async Task No_free_partition_is_a_NoCapacity_error_with_the_master_reason()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(87));
        var request = new InstanceRequest { Title = "overflow-inst", SoftwareReleaseUrl = Sr1 };

        var error = await Assert.ThrowsAsync<SlapException>(() => ClientFactory.Xml(handler).RequestInstanceAsync(request, CancellationToken.None));

        Assert.Equal(SlapErrorKind.NoCapacity, error.Kind);
        Assert.Contains("No free computer partition found for: overflow-inst", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_ready_is_408()
    {
        var handler = new ReplayHandler(_ => (408, "<p>not ready</p>", "text/html"));

        var error = await Assert.ThrowsAsync<SlapException>(() => ClientFactory.Xml(handler).GetComputerDocumentAsync("local_computer", CancellationToken.None));

        Assert.Equal(SlapErrorKind.NotReady, error.Kind);
    }

    [Fact]
    public async Task Unknown_computer_404_is_not_found()
    {
        var handler = new ReplayHandler(_ => (404, "<p>no such computer</p>", "text/html"));

        var error = await Assert.ThrowsAsync<SlapNotFoundException>(() => ClientFactory.Xml(handler).GetComputerDocumentAsync("COMP-404", CancellationToken.None));

        Assert.Equal("COMP-404", error.Reference);
    }

    [Fact]
    public async Task Server_error_makes_the_master_unreachable()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(9));

        await Assert.ThrowsAsync<MasterUnreachableException>(() => ClientFactory.Xml(handler).GetComputerDocumentAsync("COMP-404", CancellationToken.None));
    }

    [Fact]
    public async Task A_closed_port_makes_the_master_unreachable()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") };
        var client = new XmlSlapMasterClient(http, ClientFactory.Options("local_computer"));

        await Assert.ThrowsAsync<MasterUnreachableException>(() => client.GetComputerDocumentAsync("local_computer", CancellationToken.None));
    }

    [Fact]
    public async Task A_hostile_answer_is_a_marshal_error()
    {
        var handler = new ReplayHandler(_ => (200, "<!DOCTYPE marshal [<!ENTITY a 'b'>]><marshal>&a;</marshal>", "text/html"));

        await Assert.ThrowsAsync<SlapMarshalException>(() => ClientFactory.Xml(handler).GetComputerDocumentAsync("local_computer", CancellationToken.None));
    }

    [Fact]
    public async Task Usage_is_posted_as_a_TioXML_journal()
    {
        var handler = ReplayHandler.Of(WireCaptures.BySeq(82));
        var start = new DateTimeOffset(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);
        var report = new UsageReport("local_computer", [new UsageRecord
        {
            ComputerReference = "local_computer", PartitionReference = "slappart0", Start = start, End = start.AddMinutes(5),
            CpuSeconds = 42.42, MemoryBytes = 128L * 1024 * 1024,
        }]);

        await ClientFactory.Xml(handler).ReportUsageAsync(report, CancellationToken.None);

        var sent = Assert.Single(handler.Requests);
        Assert.Equal("/useComputer", sent.Path);
        Assert.Equal(["computer_id", "use_string"], sent.FormFields.Select(f => f.Key));
        var journal = XDocument.Parse(sent.FormFields[1].Value);
        var transaction = journal.Root!.Element("transaction")!;
        Assert.Equal("local_computer", transaction.Element("reference")!.Value);
        Assert.Equal("2026-11-24 at 18:05:00", transaction.Element("stop_date")!.Value);
        var cpu = transaction.Elements("movement").Single(m => m.Element("category")!.Value == "cpu");
        Assert.Equal("42.42", cpu.Element("quantity")!.Value);
        Assert.Equal("128.0", transaction.Elements("movement").Single(m => m.Element("category")!.Value == "memory").Element("quantity")!.Value);
    }

    private static Task Replay(XmlSlapMasterClient client, WireExchange capture)
    {
        var f = capture.FormFields.ToDictionary(p => p.Key, p => p.Value);
        var ct = CancellationToken.None;
        return capture.Path switch
        {
            "/buildingSoftwareRelease" => client.ReportSoftwareInstallationAsync(f["computer_id"], f["url"], SoftwareInstallationState.Building, null, ct),
            "/availableSoftwareRelease" => client.ReportSoftwareInstallationAsync(f["computer_id"], f["url"], SoftwareInstallationState.Available, null, ct),
            "/softwareReleaseError" => client.ReportSoftwareInstallationAsync(f["computer_id"], f["url"], SoftwareInstallationState.Error, f["error_log"], ct),
            "/destroyedSoftwareRelease" => client.ReportSoftwareInstallationAsync(f["computer_id"], f["url"], SoftwareInstallationState.Destroyed, null, ct),
            "/startedComputerPartition" => client.ReportInstanceStateAsync(f["computer_id"], f["computer_partition_id"], ReportedState.Started, null, ct),
            "/stoppedComputerPartition" => client.ReportInstanceStateAsync(f["computer_id"], f["computer_partition_id"], ReportedState.Stopped, null, ct),
            "/destroyedComputerPartition" => client.ReportInstanceStateAsync(f["computer_id"], f["computer_partition_id"], ReportedState.Destroyed, null, ct),
            "/softwareInstanceError" => client.ReportInstanceStateAsync(f["computer_id"], f["computer_partition_id"], ReportedState.Error, f["error_log"], ct),
            "/softwareInstanceBang" => client.BangAsync(f["computer_id"], f["computer_partition_id"], f["message"], ct),
            "/setComputerPartitionConnectionXml" => client.SetConnectionParametersAsync(
                f["computer_id"],
                f["computer_partition_id"],
                SlapWireObjects.FlattenParameters(SlapMarshal.Read(f["connection_xml"]), "connection_xml"),
                f["slave_reference"] == "None" ? null : f["slave_reference"],
                ct),
            "/loadComputerConfigurationFromXML" => client.ReportFormatAsync(SlapWireObjects.ReadComputerFormat(SlapMarshal.Read(f["xml"])), ct),
            _ => throw new InvalidOperationException("no replay for " + capture.Path),
        };
    }
}
