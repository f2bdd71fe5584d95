using System.Net;
using SlapOS.Integration.Tests.Api;

namespace SlapOS.Integration.Tests.Compatibility;

/// <summary>Behaviours where the master used to differ from SlapOS's slapproxy, checked in every mode.</summary>
public sealed class SlapproxyDifferenceTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>
{
    [Fact]
    public async Task A_reverse_proxy_ending_tls_makes_hateoas_url_https()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slapos.get.v0.hateoas_url") { Content = System.Net.Http.Json.JsonContent.Create(new { }) };
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await master.Http.SendAsync(request);
        var answer = await Answer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal($"https://{master.Url.Authority}/hateoas/", answer.Json().GetProperty("hateoas_url").GetString());
    }

    [Fact]
    public async Task Without_forwarding_headers_hateoas_url_keeps_the_request_scheme()
    {
        var answer = await master.PostJsonAsync("/slapos.get.v0.hateoas_url", new { });
        Assert.Equal($"http://{master.Url.Authority}/hateoas/", answer.Json().GetProperty("hateoas_url").GetString());
    }

    [Theory]
    [InlineData("?software_product_reference=foo&software_release_url=bar")]
    [InlineData("")]
    public async Task Software_release_list_from_a_product_needs_exactly_one_parameter(string query)
    {
        var answer = await master.GetAsync("/getSoftwareReleaseListFromSoftwareProduct" + query);
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
    }

    [Fact]
    public async Task Software_release_list_of_an_unknown_product_is_empty()
    {
        var answer = await master.GetAsync("/getSoftwareReleaseListFromSoftwareProduct", ("software_product_reference", "idonotexist"));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(Assert.IsAssignableFrom<System.Collections.IEnumerable>(answer.Marshal()).Cast<object>());
    }

    [Fact]
    public async Task The_certificate_of_a_free_partition_is_the_empty_pair()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);

        var answer = await master.GetAsync("/getComputerPartitionCertificate", ("computer_id", computer), ("computer_partition_id", "slappart0"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var pair = Assert.IsAssignableFrom<System.Collections.IDictionary>(answer.Marshal());
        Assert.Equal(string.Empty, pair["certificate"]);
        Assert.Equal(string.Empty, pair["key"]);
    }
}
