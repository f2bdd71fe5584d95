using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SlapOS.Slave;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// The lists a node polls about its computer (instances, software installations) carry an <c>ETag</c> from the
/// computer's change stamp and answer <c>If-None-Match</c> with 304; our node's JSON client sends it and reads its
/// kept answer again on a 304.
/// </summary>
public sealed class JsonEntityTagTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>
{
    private const string InstanceList = "/slapos.allDocs.v0.compute_node_instance_list";
    private const string SoftwareList = "/slapos.allDocs.v0.compute_node_software_installation_list";

    private async Task<HttpResponseMessage> ListAsync(string path, string computer, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { computer_guid = computer }) };
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await master.Http.SendAsync(request);
    }

    private async Task RequestAsync(string title, string computer)
    {
        var answer = await master.PostJsonAsync("/slapos.post.v0.software_instance", new
        {
            title,
            software_release_uri = LoopbackMaster.Release,
            software_type = "default",
            state = "started",
            shared = false,
            parameters = new { },
            sla_parameters = new { computer_guid = computer },
        });
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
    }

    private static string Tag(HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException($"no ETag on {(int)response.StatusCode}");

    [Theory]
    [InlineData(InstanceList)]
    [InlineData(SoftwareList)]
    public async Task A_list_carries_an_ETag_and_a_repeat_with_it_is_a_304_without_a_body(string path)
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);
        await RequestAsync("tagged-" + computer, computer);
        await master.PostJsonAsync("/slapos.post.v0.software_installation", new { computer_guid = computer, software_release_uri = LoopbackMaster.Release });

        using var first = await ListAsync(path, computer);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var tag = Tag(first);
        Assert.Single(JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("result_list").EnumerateArray());

        using var repeat = await ListAsync(path, computer, tag);
        Assert.Equal(HttpStatusCode.NotModified, repeat.StatusCode);
        Assert.Equal(tag, Tag(repeat));
        Assert.Empty(await repeat.Content.ReadAsByteArrayAsync());

        using var amongOthers = await ListAsync(path, computer, "\"other\", " + tag);
        Assert.Equal(HttpStatusCode.NotModified, amongOthers.StatusCode);
    }

    [Fact]
    public async Task A_change_on_the_computer_gives_a_full_answer_with_a_new_ETag()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 2);
        await RequestAsync("before-" + computer, computer);
        using var before = await ListAsync(InstanceList, computer);
        var tag = Tag(before);

        await RequestAsync("after-" + computer, computer);

        using var after = await ListAsync(InstanceList, computer, tag);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(tag, Tag(after));
        Assert.Equal(2, JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement.GetProperty("result_list").GetArrayLength());
    }

    [Fact]
    public async Task A_supply_and_a_release_reported_destroyed_move_the_software_list_ETag()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        using var empty = await ListAsync(SoftwareList, computer);
        var emptyTag = Tag(empty);

        await master.PostJsonAsync("/slapos.post.v0.software_installation", new { computer_guid = computer, software_release_uri = LoopbackMaster.Release, state = "destroyed" });
        using var supplied = await ListAsync(SoftwareList, computer, emptyTag);
        Assert.Equal(HttpStatusCode.OK, supplied.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await supplied.Content.ReadAsStringAsync()).RootElement.GetProperty("result_list").GetArrayLength());

        // The node removed it: the release leaves the list, so the old tag must not be answered 304.
        var report = await master.PostJsonAsync("/slapos.put.v0.software_installation_reported_state", new { computer_guid = computer, software_release_uri = LoopbackMaster.Release, reported_state = "destroyed" });
        Assert.True(report.Status == HttpStatusCode.OK, report.ToString());
        using var removed = await ListAsync(SoftwareList, computer, Tag(supplied));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await removed.Content.ReadAsStringAsync()).RootElement.GetProperty("result_list").GetArrayLength());
    }

    [Fact]
    public async Task Without_If_None_Match_or_with_another_computers_tag_the_answer_is_full()
    {
        var computer = LoopbackMaster.NewComputer();
        var other = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        await master.FormatAsync(other, 1);
        await RequestAsync("plain-" + computer, computer);

        using var first = await ListAsync(InstanceList, computer);
        using var again = await ListAsync(InstanceList, computer);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(Tag(first), Tag(again));

        // Two computers never changed both have stamp 0: their tags still differ.
        using var otherList = await ListAsync(InstanceList, other);
        using var crossed = await ListAsync(InstanceList, computer, Tag(otherList));
        Assert.Equal(HttpStatusCode.OK, crossed.StatusCode);
        using var unparsable = await ListAsync(InstanceList, computer, "not a tag");
        Assert.Equal(HttpStatusCode.OK, unparsable.StatusCode);
    }

    [Fact]
    public async Task An_unknown_computer_is_refused_whatever_the_If_None_Match()
    {
        using var refused = await ListAsync(InstanceList, LoopbackMaster.NewComputer(), "*");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task The_node_client_sends_If_None_Match_and_reads_its_kept_answer_on_a_304()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 3);
        await RequestAsync("node-a-" + computer, computer);
        await master.PostJsonAsync("/slapos.post.v0.software_installation", new { computer_guid = computer, software_release_uri = LoopbackMaster.Release });
        var seen = new StatusRecorder { InnerHandler = new HttpClientHandler() };
        using var http = new HttpClient(seen) { BaseAddress = master.Url };
        var client = new JsonSlapMasterClient(http, XmlClientAgainstOurMasterTests.Options(master, computer));

        var first = await client.GetComputerDocumentAsync(computer, CancellationToken.None);
        var second = await client.GetComputerDocumentAsync(computer, CancellationToken.None);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], seen.Of(InstanceList, SoftwareList).Take(2));
        Assert.Equal([HttpStatusCode.NotModified, HttpStatusCode.NotModified], seen.Of(InstanceList, SoftwareList).Skip(2));
        Assert.Equal(first.Partitions.Select(p => (p.PartitionReference, p.InstanceReference)), second.Partitions.Select(p => (p.PartitionReference, p.InstanceReference)));
        Assert.Equal(first.SoftwareInstallations.Select(s => s.SoftwareReleaseUrl), second.SoftwareInstallations.Select(s => s.SoftwareReleaseUrl));
        Assert.Single(second.Partitions);
        Assert.Single(second.SoftwareInstallations);

        await RequestAsync("node-b-" + computer, computer);
        var third = await client.GetComputerDocumentAsync(computer, CancellationToken.None);
        Assert.Equal(2, third.Partitions.Count);
        Assert.Equal(HttpStatusCode.OK, seen.Of(InstanceList)[^1]);
    }

    /// <summary>Records the status of every answer, by path.</summary>
    private sealed class StatusRecorder : DelegatingHandler
    {
        private readonly List<(string Path, HttpStatusCode Status)> _answers = [];

        public IReadOnlyList<HttpStatusCode> Of(params string[] paths)
        {
            lock (_answers)
            {
                return [.. _answers.Where(a => paths.Contains(a.Path)).Select(a => a.Status)];
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (_answers)
            {
                _answers.Add(("/" + request.RequestUri!.AbsolutePath.TrimStart('/'), response.StatusCode));
            }

            return response;
        }
    }
}
