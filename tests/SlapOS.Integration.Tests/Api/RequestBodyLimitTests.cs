using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// Every kind of endpoint caps its body with the limit configured for it (<c>SlapOS:Master:Limits</c>):
/// declared or chunked, an oversized body is a 413 naming the limit, and the master keeps serving.
/// </summary>
public sealed class RequestBodyLimitTests(SmallLimitsMaster master) : IClassFixture<SmallLimitsMaster>
{
    private static MemoryStream Body(string prefix, int size, string suffix = "") =>
        new(Encoding.ASCII.GetBytes(prefix + new string('x', size) + suffix));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_json_call_over_its_limit_is_a_413_naming_it(bool chunked)
    {
        using var body = Body("{\"title\": \"", 10_000, "\"}");

        var answer = await RawHttp.SendAsync(master.Url, "/slapos.post.v0.software_instance", "application/json", body, chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.Equal("The request body is larger than 4096 bytes.", answer.Json().GetProperty("title").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_onboarding_call_over_the_json_limit_is_a_413(bool chunked)
    {
        using var body = Body("{\"token\": \"", 10_000, "\"}");

        var answer = await RawHttp.SendAsync(master.Url, "/slapos.post.v0.compute_node_register", "application/json", body, chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_xml_form_over_its_limit_is_a_413_naming_it(bool chunked)
    {
        using var body = Body("partition_reference=", 20_000);

        var answer = await RawHttp.SendAsync(master.Url, "/requestComputerPartition", "application/x-www-form-urlencoded", body, chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.Contains("<p>The request body is larger than 8192 bytes.</p>", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_portal_form_over_its_limit_is_a_413_page_naming_it(bool chunked)
    {
        using var body = Body("title=", 5_000);

        var answer = await RawHttp.SendAsync(master.Url, "/portal/request", "application/x-www-form-urlencoded", body, chunked, ("Sec-Fetch-Site", "same-origin"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.Contains("The request body is larger than 2048 bytes.", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_within_the_limit_is_served()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);

        var answer = await master.PostJsonAsync("/slapos.get.v0.hateoas_url", new { });
        var xml = await master.RequestXmlAsync("small-" + computer, sla: new Dictionary<string, string> { ["computer_guid"] = computer });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(HttpStatusCode.OK, xml.Status);
    }

    [Fact]
    public void Kestrel_accepts_no_body_larger_than_the_largest_limit()
    {
        var kestrel = master.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;

        Assert.Equal(8193, kestrel.Limits.MaxRequestBodySize);
    }

    [Fact]
    public async Task A_limit_out_of_range_fails_at_start_naming_it()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        builder.Configuration["SlapOS:Master:Limits:MaxJsonBodyBytes"] = "10";
        var directory = Directory.CreateTempSubdirectory("slapos-limits-").FullName;
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = builder.Build();
            await app.StartAsync();
        });

        Assert.Contains("MaxJsonBodyBytes", error.Message, StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }
}
