using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using SlapOS.Wire;

namespace SlapOS.Slave.Tests.Hostile;

/// <summary>
/// A hostile master on loopback feeds the node's real clients (JSON and XML) answers of the wrong shape,
/// and feeds a whole instance run partitions whose references try to escape the instance root: each is
/// refused with a clear message, nothing is written outside the roots, and the honest partition is served.
/// </summary>
public class HostileMasterTests
{
    public static TheoryData<string, string> Shapes() => new()
    {
        { "json", "{\"result_list\": 5}" },
        { "json", "{\"result_list\": [{\"software_release_uri\": 42}]}" },
        { "json", "{\"result_list\": [{}]}" },
        { "json", "[1, 2, 3]" },
        { "json", "{\"result_list\": " + new string('[', 10_000) + new string(']', 10_000) + "}" },
        { "json", "not json at all" },
        { "xml", "<marshal><int>5</int></marshal>" },
        { "xml", "<marshal>" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"<list id=\"i{i + 2}\">")) + string.Concat(Enumerable.Repeat("</list>", 10_000)) + "</marshal>" },
        { "xml", "<marshal><object id=\"i2\" module=\"os\" class=\"system\"><tuple><string>id</string></tuple><dictionary id=\"i3\"/></object></marshal>" },
        { "xml", "<marshal><dictionary id=\"i2\"><string>_computer_partition_list</string><string>not a list</string></dictionary></marshal>" },
        { "xml", "<marshal><string>a&#0;b</string></marshal>" },
        { "xml", "<?xml version=\"1.0\"?><!DOCTYPE marshal [<!ENTITY x SYSTEM \"file:///etc/shadow\">]><marshal><string>&x;</string></marshal>" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task An_answer_of_the_wrong_shape_is_refused_with_a_message(string api, string answer)
    {
        await using var master = new LoopbackMaster(_ => LoopbackAnswer.Text(answer, api == "json" ? "application/json" : "text/xml"));
        await using var node = HostileNode.Client(api, master.Url);

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            node.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync("COMP-HOSTILE", CancellationToken.None));

        // A refusal the node understands, never a crash of its own (null reference, invalid cast, stack overflow).
        Assert.True(error is SlapException or SlapMarshalException or MasterUnreachableException, error.ToString());
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.DoesNotContain("root:", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> EscapingReferences() => new()
    {
        "../escaped",
        "/tmp/slapos-hostile-absolute",
        "..",
        "a/../../b",
        "x;touch${IFS}/tmp/slapos-hostile-pwned",
        "$(touch /tmp/slapos-hostile-pwned)",
        "`id`",
        "tab\tinside",
    };

    [Theory]
    [MemberData(nameof(EscapingReferences))]
    public async Task A_partition_reference_that_escapes_is_refused_and_the_other_partition_is_served(string hostile)
    {
        using var node = new HostileXmlNode();
        node.PrepareHonestPartition("slappart0");
        node.Partitions.Add(HostileXmlNode.Instance("slappart0"));
        node.Partitions.Add(HostileXmlNode.Instance(hostile));
        await using var master = new LoopbackMaster(node.Answer);
        await using var provider = node.Build(master.Url);

        var result = await provider.GetRequiredService<SlapOS.Slave.Agent.INodeAgent>().InstanceAsync();

        var refused = Assert.Single(result.Outcomes, o => o.Item == hostile);
        Assert.Equal(SlapOS.Slave.Agent.NodeItemStatus.Failed, refused.Status);
        // Escaping references fail validation; the rest name no formatted partition directory.
        Assert.True(refused.Message!.Contains("partition_reference", StringComparison.Ordinal) || refused.Message.Contains("does not exist", StringComparison.Ordinal), refused.Message);
        var honest = Assert.Single(result.Outcomes, o => o.Item == "slappart0");
        Assert.True(honest.Status == SlapOS.Slave.Agent.NodeItemStatus.Done, honest.Message);
        await node.Installer.Received(1).DeployInstanceAsync(Arg.Is<InstanceDeployment>(d => d.PartitionPath == Path.Combine(node.InstanceRoot, "slappart0")), Arg.Any<CancellationToken>());
        await node.Installer.DidNotReceive().DeployInstanceAsync(Arg.Is<InstanceDeployment>(d => d.PartitionPath != Path.Combine(node.InstanceRoot, "slappart0")), Arg.Any<CancellationToken>());
        node.AssertNothingOutsideRoots();
        Assert.False(File.Exists("/tmp/slapos-hostile-pwned"));
    }

    [Theory]
    [InlineData("file:///etc/shadow")]
    [InlineData("/etc/shadow")]
    [InlineData("file:///etc/../etc/shadow")]
    [InlineData("https://example.invalid/../../etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http://example.invalid/a b;rm -rf /")]
    public async Task A_hostile_software_url_is_never_installed(string url)
    {
        using var node = new HostileXmlNode();
        node.Software.Add(new SoftwareInstallation { ComputerReference = HostileXmlNode.Computer, SoftwareReleaseUrl = url, RequestedState = SupplyState.Available });
        node.Software.Add(new SoftwareInstallation { ComputerReference = HostileXmlNode.Computer, SoftwareReleaseUrl = HostileXmlNode.ReleaseUrl, RequestedState = SupplyState.Available });
        await using var master = new LoopbackMaster(node.Answer);
        await using var provider = node.Build(master.Url);

        var result = await provider.GetRequiredService<SlapOS.Slave.Agent.INodeAgent>().SoftwareAsync();

        await node.Installer.DidNotReceive().InstallSoftwareAsync(Arg.Is<SoftwareBuild>(b => b.SoftwareReleaseUrl == url), Arg.Any<CancellationToken>());
        await node.Installer.Received(1).InstallSoftwareAsync(Arg.Is<SoftwareBuild>(b => b.SoftwareReleaseUrl == HostileXmlNode.ReleaseUrl), Arg.Any<CancellationToken>());
        Assert.Contains(result.Outcomes, o => o.Item == url && o.Status == SlapOS.Slave.Agent.NodeItemStatus.Failed);
        node.AssertNothingOutsideRoots();
    }
}
