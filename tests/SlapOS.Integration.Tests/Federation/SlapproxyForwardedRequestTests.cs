using System.Net;
using SlapOS.Integration.Tests.Api;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Federation;

/// <summary>
/// A slapproxy that forwards to us (its <c>[multimaster/…]</c> names our master) posts the requester's form to
/// <c>/requestComputerPartition</c> unchanged but for <c>source_instance_id</c> in the SLA, <c>master_url</c> still there.
/// </summary>
public sealed class SlapproxyForwardedRequestTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>
{
    [Fact]
    public async Task A_request_forwarded_by_slapproxy_is_allocated_here_despite_its_master_url_and_source_instance_id()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);

        var answer = await master.RequestXmlAsync("forwarded-by-slapproxy", sla: new Dictionary<string, string>
        {
            ["master_url"] = master.Url.ToString(),
            ["source_instance_id"] = "forwarded-by-slapproxy",
            ["computer_guid"] = computer,
        });

        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        Assert.Equal(computer, Assert.IsType<MarshalObject>(answer.Marshal()).Get("slap_computer_id"));
    }
}
