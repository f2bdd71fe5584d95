using System.Net;
using System.Text.Json;

namespace SlapOS.Integration.Tests.Api;

/// <summary>The request semantics SlapOS shows in its captures, through the JSON API v0 over HTTP.</summary>
public sealed class JsonBehaviourTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>
{
    private Task<Answer> RequestAsync(string title, string computer, object? parameters = null, string state = "started", bool shared = false, object? sla = null) =>
        master.PostJsonAsync("/slapos.post.v0.software_instance", new
        {
            title,
            software_release_uri = LoopbackMaster.Release,
            software_type = "default",
            state,
            shared,
            parameters = parameters ?? new { },
            sla_parameters = sla ?? new { computer_guid = computer },
        });

    private static async Task<JsonElement> OkAsync(Task<Answer> call)
    {
        var answer = await call;
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        Assert.Equal("application/json", answer.ContentType);
        return answer.Json();
    }

    private Task<JsonElement> GetAsync(string guid) => OkAsync(master.PostJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = guid }));

    /// <summary>The instance's exact timestamp: the X-SlapOS-Timestamp header (SlapOS's body schema has whole seconds only).</summary>
    private static async Task<string> StampAsync(Task<Answer> call)
    {
        var answer = await call;
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return answer.ExactTimestamp ?? throw new Xunit.Sdk.XunitException("no X-SlapOS-Timestamp header");
    }

    private Task<string> StampOfAsync(string guid) => StampAsync(master.PostJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = guid }));

    [Fact]
    public async Task The_same_request_twice_answers_the_same_partition_and_timestamp()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);

        var first = await OkAsync(RequestAsync("same-" + computer, computer, new { a = "1" }));
        var second = await OkAsync(RequestAsync("same-" + computer, computer, new { a = "1" }));

        Assert.Equal(computer, first.GetProperty("computer_guid").GetString());
        Assert.Equal(first.GetProperty("instance_guid").GetString(), second.GetProperty("instance_guid").GetString());
        Assert.Equal(first.GetProperty("compute_partition_id").GetString(), second.GetProperty("compute_partition_id").GetString());
        Assert.Equal(await StampOfAsync(first.GetProperty("instance_guid").GetString()!), await StampAsync(RequestAsync("same-" + computer, computer, new { a = "1" })));
    }

    [Fact]
    public async Task Changed_parameters_keep_the_partition_and_bump_the_timestamp()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);

        var first = await OkAsync(RequestAsync("changed-" + computer, computer, new { a = "1" }));
        var firstStamp = await StampOfAsync(first.GetProperty("instance_guid").GetString()!);
        var second = await OkAsync(RequestAsync("changed-" + computer, computer, new { a = 2, nested = new { b = 1 } }));
        var secondStamp = await StampOfAsync(second.GetProperty("instance_guid").GetString()!);

        Assert.Equal(first.GetProperty("compute_partition_id").GetString(), second.GetProperty("compute_partition_id").GetString());
        Assert.True(InstanceTimestamp.Parse(secondStamp) > InstanceTimestamp.Parse(firstStamp));
        Assert.Equal("2", second.GetProperty("parameters").GetProperty("a").GetString());
        Assert.Equal("{'b': 1}", second.GetProperty("parameters").GetProperty("nested").GetString());
    }

    [Fact]
    public async Task No_free_partition_is_a_403_json_error()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        await OkAsync(RequestAsync("first-" + computer, computer));

        var overflow = await RequestAsync("overflow-" + computer, computer);

        Assert.Equal(HttpStatusCode.Forbidden, overflow.Status);
        var error = overflow.Json();
        Assert.Equal(403, error.GetProperty("status").GetInt32());
        Assert.Equal("Forbidden", error.GetProperty("type").GetString());
        Assert.Contains("overflow-" + computer, error.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shared_instance_is_hosted_and_listed_by_its_host()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);
        var host = await OkAsync(RequestAsync("host-" + computer, computer));
        var hostGuid = host.GetProperty("instance_guid").GetString()!;

        var shared = await OkAsync(RequestAsync("shared-" + computer, computer, new { domain = "example.com" }, shared: true, sla: new { instance_guid = hostGuid }));
        var hosted = await OkAsync(master.PostJsonAsync("/slapos.allDocs.v0.instance_node_instance_list", new { instance_guid = hostGuid }));
        var node = await master.PartitionAsync(computer, host.GetProperty("compute_partition_id").GetString()!);

        Assert.True(shared.GetProperty("shared").GetBoolean());
        Assert.NotEmpty(host.GetProperty("ip_list").EnumerateArray());
        Assert.Equal(host.GetProperty("ip_list").GetRawText(), shared.GetProperty("ip_list").GetRawText());
        Assert.Empty((await GetAsync(shared.GetProperty("instance_guid").GetString()!)).GetProperty("ip_list").EnumerateArray());
        var entry = Assert.Single(hosted.GetProperty("result_list").EnumerateArray());
        Assert.Equal("shared-" + computer, entry.GetProperty("title").GetString());
        Assert.Equal("example.com", entry.GetProperty("parameters").GetProperty("domain").GetString());
        Assert.Equal("shared-" + computer, Assert.Single(Marshalled.SlaveInstances(node))["slave_title"]);
    }

    [Fact]
    public async Task Connection_parameters_published_by_the_host_reach_the_requester()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);
        var instance = await OkAsync(RequestAsync("published-" + computer, computer));
        var guid = instance.GetProperty("instance_guid").GetString()!;
        var stamp = await StampOfAsync(guid);

        await OkAsync(master.PostJsonAsync("/slapos.put.v0.software_instance_connection_parameter", new { instance_guid = guid, connection_parameter_dict = new { url = "http://example.com/", port = 8080 } }));
        var again = await OkAsync(RequestAsync("published-" + computer, computer));

        Assert.Equal("http://example.com/", again.GetProperty("connection_parameters").GetProperty("url").GetString());
        Assert.Equal("8080", again.GetProperty("connection_parameters").GetProperty("port").GetString());
        Assert.Equal(stamp, await StampOfAsync(guid));
    }

    [Fact]
    public async Task Bang_bumps_the_whole_tree()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 3);
        var root = await OkAsync(RequestAsync("root-" + computer, computer));
        var child = Marshalled.Object(
            await master.RequestXmlAsync("child-" + computer, sla: new Dictionary<string, string> { ["computer_guid"] = computer }, requester: (computer, root.GetProperty("compute_partition_id").GetString()!)),
            "SoftwareInstance");
        var childGuid = (string)child.Get("_instance_guid")!;
        var before = await StampOfAsync(root.GetProperty("instance_guid").GetString()!);

        await OkAsync(master.PostJsonAsync("/slapos.put.v0.software_instance_bang", new { instance_guid = childGuid, message = "reprocess" }));
        var rootAfter = await StampOfAsync(root.GetProperty("instance_guid").GetString()!);
        var childAfter = await GetAsync(childGuid);

        Assert.NotEqual(before, rootAfter);
        Assert.Equal(rootAfter, await StampOfAsync(childGuid));
        Assert.Equal("root-" + computer, childAfter.GetProperty("root_instance_title").GetString());
    }

    [Fact]
    public async Task Reporting_a_root_destroyed_with_live_children_is_refused_until_the_children_are_gone()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 3);
        var root = await OkAsync(RequestAsync("doomed-" + computer, computer));
        var child = Marshalled.Object(
            await master.RequestXmlAsync("doomed-child-" + computer, sla: new Dictionary<string, string> { ["computer_guid"] = computer }, requester: (computer, root.GetProperty("compute_partition_id").GetString()!)),
            "SoftwareInstance");
        var rootGuid = root.GetProperty("instance_guid").GetString()!;
        await OkAsync(RequestAsync("doomed-" + computer, computer, state: "destroyed"));

        var early = await master.PostJsonAsync("/slapos.put.v0.software_instance_reported_state", new { instance_guid = rootGuid, reported_state = "destroyed" });
        var childState = await GetAsync((string)child.Get("_instance_guid")!);
        var childDone = await OkAsync(master.PostJsonAsync("/slapos.put.v0.software_instance_reported_state", new { instance_guid = (string)child.Get("_instance_guid")!, reported_state = "destroyed" }));
        var rootDone = await OkAsync(master.PostJsonAsync("/slapos.put.v0.software_instance_reported_state", new { instance_guid = rootGuid, reported_state = "destroyed" }));
        var list = await OkAsync(master.PostJsonAsync("/slapos.allDocs.v0.compute_node_instance_list", new { computer_guid = computer }));

        Assert.Equal(HttpStatusCode.Forbidden, early.Status);
        Assert.StartsWith("Not destroying yet because this partition has child partitions: doomed-child-" + computer, early.Json().GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("destroyed", childState.GetProperty("state").GetString());
        Assert.Equal("Destroyed", childDone.GetProperty("title").GetString());
        Assert.Equal("Destroyed", rootDone.GetProperty("title").GetString());
        Assert.Empty(list.GetProperty("result_list").EnumerateArray());
    }

    [Fact]
    public async Task Reports_are_stored_and_visible()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        var guid = (await OkAsync(RequestAsync("reported-" + computer, computer))).GetProperty("instance_guid").GetString()!;
        await OkAsync(master.PostJsonAsync("/slapos.post.v0.software_installation", new { computer_guid = computer, software_release_uri = LoopbackMaster.Release, state = "available" }));

        await OkAsync(master.PostJsonAsync("/slapos.put.v0.software_instance_reported_state", new { instance_guid = guid, reported_state = "started" }));
        var partition = (await GetAsync(guid)).GetProperty("compute_partition_id").GetString()!;
        Assert.Equal("started", (await master.GetAsync("/getComputerPartitionStatus", ("computer_id", computer), ("computer_partition_id", partition))).Marshal());
        await OkAsync(master.PostJsonAsync("/slapos.put.v0.software_instance_error", new { instance_guid = guid, message = "promise failed" }));
        var failed = await GetAsync(guid);
        Assert.Contains("promise failed", failed.GetProperty("access_status_message").GetString(), StringComparison.Ordinal);
        Assert.Equal("error: promise failed", (await master.GetAsync("/getComputerPartitionStatus", ("computer_id", computer), ("computer_partition_id", partition))).Marshal());

        // SlapOS's answer schemas have no place for an installation's report: the calls are accepted and stored.
        await OkAsync(master.PostJsonAsync("/slapos.put.v0.software_installation_reported_state", new { computer_guid = computer, software_release_uri = LoopbackMaster.Release, reported_state = "building" }));
        await OkAsync(master.PostJsonAsync("/slapos.put.v0.software_installation_error", new { computer_guid = computer, software_release_uri = LoopbackMaster.Release, message = "buildout failed" }));
    }
}
