using System.Net;
using SlapOS.Wire;
using static SlapOS.Integration.Tests.Api.Marshalled;

namespace SlapOS.Integration.Tests.Api;

/// <summary>The request semantics SlapOS shows in its captures, through the legacy XML API over HTTP.</summary>
public sealed class XmlBehaviourTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>
{
    private static Dictionary<string, string> On(string computer) => new() { ["computer_guid"] = computer };

    [Fact]
    public async Task The_same_request_twice_answers_the_same_partition_and_timestamp()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);

        var first = Object(await master.RequestXmlAsync("same-" + computer, new Dictionary<string, string> { ["a"] = "1" }, On(computer)), "SoftwareInstance");
        var second = Object(await master.RequestXmlAsync("same-" + computer, new Dictionary<string, string> { ["a"] = "1" }, On(computer)), "SoftwareInstance");

        Assert.Equal(PartitionOf(first), PartitionOf(second));
        Assert.Equal(Timestamp(first), Timestamp(second));
        Assert.Equal(computer, first.Get("slap_computer_id"));
        Assert.Equal("1", Parameter(second, "a"));
    }

    [Fact]
    public async Task Changed_parameters_keep_the_partition_and_bump_the_timestamp()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);

        var first = Object(await master.RequestXmlAsync("changed-" + computer, new Dictionary<string, string> { ["a"] = "1" }, On(computer)), "SoftwareInstance");
        var second = Object(await master.RequestXmlAsync("changed-" + computer, new Dictionary<string, string> { ["a"] = "2" }, On(computer)), "SoftwareInstance");
        var node = await master.PartitionAsync(computer, PartitionOf(first));

        Assert.Equal(PartitionOf(first), PartitionOf(second));
        Assert.True(TimestampValue(second) > TimestampValue(first), $"{Timestamp(second)} is not after {Timestamp(first)}");
        Assert.Equal("2", Parameter(node, "a"));
        Assert.Equal(Timestamp(second), Timestamp(node));
    }

    [Fact]
    public async Task No_free_partition_is_a_404_with_the_reason_in_the_page()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        Assert.Equal(HttpStatusCode.OK, (await master.RequestXmlAsync("first-" + computer, sla: On(computer))).Status);

        var overflow = await master.RequestXmlAsync("overflow-" + computer, sla: On(computer));

        Assert.Equal(HttpStatusCode.NotFound, overflow.Status);
        Assert.StartsWith("text/html", overflow.ContentType, StringComparison.Ordinal);
        Assert.Matches("<p>[^<]*overflow-" + computer + "[^<]*</p>", overflow.Body);
    }

    [Fact]
    public async Task Computer_guid_is_honoured_and_a_later_different_one_is_ignored()
    {
        var first = LoopbackMaster.NewComputer();
        var second = LoopbackMaster.NewComputer();
        await master.FormatAsync(first, 2);
        await master.FormatAsync(second, 2);

        var placed = Object(await master.RequestXmlAsync("placed-" + second, sla: On(second)), "SoftwareInstance");
        var moved = Object(await master.RequestXmlAsync("placed-" + second, sla: On(first)), "SoftwareInstance");
        var unknown = await master.RequestXmlAsync("lost-" + second, sla: On("COMP-NEVER-" + second));

        Assert.Equal(second, placed.Get("slap_computer_id"));
        Assert.Equal(second, moved.Get("slap_computer_id"));
        Assert.Equal(PartitionOf(placed), PartitionOf(moved));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
    }

    [Fact]
    public async Task A_shared_instance_lands_in_its_hosts_slave_instance_list_and_bumps_the_host()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);
        var host = Object(await master.RequestXmlAsync("host-" + computer, sla: On(computer)), "SoftwareInstance");
        var hostPartition = PartitionOf(host);
        var before = await master.PartitionAsync(computer, hostPartition);

        var shared = await master.RequestXmlAsync("shared-" + computer, new Dictionary<string, string> { ["domain"] = "example.com" }, new Dictionary<string, string> { ["instance_guid"] = (string)host.Get("_instance_guid")! }, shared: true);
        var after = await master.PartitionAsync(computer, hostPartition);
        var full = Object(await master.GetAsync("/getFullComputerInformation", ("computer_id", computer)), "Computer");

        Assert.Equal(HttpStatusCode.OK, shared.Status);
        var entry = Assert.Single(SlaveInstances(after));
        Assert.Equal("shared-" + computer, entry["slave_title"]);
        Assert.Equal("example.com", entry["domain"]);
        Assert.NotNull(entry["slave_reference"]);
        Assert.True(TimestampValue(after) > TimestampValue(before), "adding a shared instance bumps its host");
        var listed = Assert.IsAssignableFrom<IEnumerable<object?>>(full.Get("_computer_partition_list")).Cast<MarshalObject>()
            .Single(p => (string?)p.Get("_partition_id") == hostPartition);
        Assert.Single(SlaveInstances(listed));
    }

    [Fact]
    public async Task Connection_parameters_set_by_the_host_are_seen_by_the_requester_without_a_timestamp_bump()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);
        var first = Object(await master.RequestXmlAsync("published-" + computer, sla: On(computer)), "SoftwareInstance");

        var set = await master.PostFormAsync(
            "/setComputerPartitionConnectionXml",
            ("computer_id", computer),
            ("computer_partition_id", PartitionOf(first)),
            ("connection_xml", SlapMarshal.Write(SlapWireObjects.ToDictionary(new Dictionary<string, string> { ["url"] = "http://[2001:db8::1]:8080/?a=1&b=<2>" }))),
            ("slave_reference", "None"));
        var again = Object(await master.RequestXmlAsync("published-" + computer, sla: On(computer)), "SoftwareInstance");

        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal("done", set.Body);
        Assert.Equal("http://[2001:db8::1]:8080/?a=1&b=<2>", Dict(again, "_connection_dict")["url"]);
        Assert.Equal(Timestamp(first), Timestamp(again));
    }

    [Fact]
    public async Task Bang_from_a_child_bumps_the_whole_tree_to_one_timestamp()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 3);
        var root = Object(await master.RequestXmlAsync("root-" + computer, sla: On(computer)), "SoftwareInstance");
        var child = Object(await master.RequestXmlAsync("child-" + computer, sla: On(computer), requester: (computer, PartitionOf(root))), "SoftwareInstance");
        var rootBefore = await master.PartitionAsync(computer, PartitionOf(root));

        var bang = await master.PostFormAsync("/softwareInstanceBang", ("computer_id", computer), ("computer_partition_id", PartitionOf(child)), ("message", "reprocess"));
        var rootAfter = await master.PartitionAsync(computer, PartitionOf(root));
        var childAfter = await master.PartitionAsync(computer, PartitionOf(child));

        Assert.Equal(HttpStatusCode.OK, bang.Status);
        Assert.Equal("OK", bang.Body);
        Assert.True(TimestampValue(rootAfter) > TimestampValue(rootBefore));
        Assert.Equal(Timestamp(rootAfter), Timestamp(childAfter));
        Assert.Equal("root-" + computer, Parameter(childAfter, "root_instance_title"));
    }

    [Fact]
    public async Task Destroying_a_root_destroys_its_children_first()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 3);
        var root = Object(await master.RequestXmlAsync("doomed-" + computer, sla: On(computer)), "SoftwareInstance");
        var child = Object(await master.RequestXmlAsync("doomed-child-" + computer, sla: On(computer), requester: (computer, PartitionOf(root))), "SoftwareInstance");
        Assert.Equal(HttpStatusCode.OK, (await master.RequestXmlAsync("doomed-" + computer, sla: On(computer), state: "destroyed")).Status);
        (string, string?) Partition(MarshalObject o) => ("computer_partition_id", PartitionOf(o));

        var early = await master.PostFormAsync("/destroyedComputerPartition", ("computer_id", computer), Partition(root));
        var childNode = await master.PartitionAsync(computer, PartitionOf(child));
        var childDone = await master.PostFormAsync("/destroyedComputerPartition", ("computer_id", computer), Partition(child));
        var rootDone = await master.PostFormAsync("/destroyedComputerPartition", ("computer_id", computer), Partition(root));
        var freed = await master.PartitionAsync(computer, PartitionOf(root));

        Assert.Equal(HttpStatusCode.OK, early.Status);
        Assert.Equal("Not destroying yet because this partition has child partitions: doomed-child-" + computer, early.Body);
        Assert.Equal("destroyed", childNode.Get("_requested_state"));
        Assert.Equal("OK", childDone.Body);
        Assert.Equal("OK", rootDone.Body);
        Assert.Equal("destroyed", freed.Get("_requested_state"));
        Assert.Null(freed.Get("_software_release_document"));
    }

    [Fact]
    public async Task Instance_and_software_reports_are_stored_and_visible_through_the_json_api()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        var instance = Object(await master.RequestXmlAsync("reported-" + computer, sla: On(computer)), "SoftwareInstance");
        var partition = PartitionOf(instance);
        var guid = (string)instance.Get("_instance_guid")!;
        Assert.Equal($"Supplied '{LoopbackMaster.Release}' to be available", (await master.PostFormAsync("/supplySupply", ("computer_id", computer), ("url", LoopbackMaster.Release), ("state", "available"))).Body);

        async Task<object?> Status() => (await master.GetAsync("/getComputerPartitionStatus", ("computer_id", computer), ("computer_partition_id", partition))).Marshal();
        async Task<Answer> Instance() => await master.PostJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = guid });

        // SlapOS's JSON answer schemas have no reported_state: the XML status call shows the reports.
        Assert.Equal("Ignored", (await master.PostFormAsync("/startedComputerPartition", ("computer_id", computer), ("computer_partition_id", partition))).Body);
        Assert.Equal("started", await Status());
        Assert.Equal("Ignored", (await master.PostFormAsync("/stoppedComputerPartition", ("computer_id", computer), ("computer_partition_id", partition))).Body);
        Assert.Equal("stopped", await Status());
        Assert.Equal("Ignored", (await master.PostFormAsync("/softwareInstanceError", ("computer_id", computer), ("computer_partition_id", partition), ("error_log", "promise failed"))).Body);
        Assert.Equal("error: promise failed", await Status());
        Assert.Contains("promise failed", (await Instance()).Json().GetProperty("access_status_message").GetString(), StringComparison.Ordinal);

        Assert.Equal("Ignored", (await master.PostFormAsync("/buildingSoftwareRelease", ("computer_id", computer), ("url", LoopbackMaster.Release))).Body);
        Assert.Equal("Ignored", (await master.PostFormAsync("/softwareReleaseError", ("computer_id", computer), ("url", LoopbackMaster.Release), ("error_log", "buildout failed"))).Body);
        Assert.Equal("Ignored", (await master.PostFormAsync("/availableSoftwareRelease", ("computer_id", computer), ("url", LoopbackMaster.Release))).Body);
    }

    [Fact]
    public async Task Unknown_computer_and_partition_are_404_not_500()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);

        var unknownComputer = await master.GetAsync("/getFullComputerInformation", ("computer_id", "COMP-NEVER-" + computer));
        var unknownPartition = await master.GetAsync("/registerComputerPartition", ("computer_reference", computer), ("computer_partition_reference", "slappart99"));
        var missingParameters = await master.PostFormAsync(
            "/requestComputerPartition",
            ("software_release", LoopbackMaster.Release),
            ("partition_reference", "nofields-" + computer),
            ("filter_xml", SlapMarshal.Write(SlapWireObjects.ToDictionary(On(computer)))),
            ("state", SlapMarshal.Write("started")));

        Assert.Equal(HttpStatusCode.NotFound, unknownComputer.Status);
        Assert.Equal(HttpStatusCode.NotFound, unknownPartition.Status);
        Assert.Contains("slappart99", unknownPartition.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, missingParameters.Status);
        Assert.Equal(computer, Object(missingParameters, "SoftwareInstance").Get("slap_computer_id"));
    }
}
