using System.Net;
using System.Text;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// Hostile bodies sent to both APIs over HTTP: each is a 4xx with a message, never a 500 or a hang, and
/// the master still answers a normal request afterwards.
/// </summary>
public sealed class HostileBodyTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>
{
    private const string BillionLaughs =
        """<?xml version="1.0"?><!DOCTYPE marshal [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><marshal><string>&i;</string></marshal>""";

    private const string ExternalEntity =
        """<?xml version="1.0"?><!DOCTYPE marshal [<!ENTITY x SYSTEM "file:///etc/passwd">]><marshal><dictionary id="i2"><string>x</string><string>&x;</string></dictionary></marshal>""";

    private const string UnknownClass =
        """<marshal><object id="i2" module="os" class="system"><tuple><string>id</string></tuple><dictionary id="i3"/></object></marshal>""";

    private static readonly string DeepNesting =
        "<marshal>" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"<list id=\"i{i + 2}\">")) + string.Concat(Enumerable.Repeat("</list>", 10_000)) + "</marshal>";

    public static TheoryData<string> Documents => new() { "billion laughs", "external entity", "unknown class", "10000-deep nesting" };

    private static string Document(string name) => name switch
    {
        "billion laughs" => BillionLaughs,
        "external entity" => ExternalEntity,
        "unknown class" => UnknownClass,
        _ => DeepNesting,
    };

    private static void AssertRefused(Answer answer, string? field = null)
    {
        Assert.True((int)answer.Status is >= 400 and < 500, answer.ToString());
        Assert.DoesNotContain("root:", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("lollollol", answer.Body, StringComparison.Ordinal);
        if (field is not null)
        {
            Assert.Contains(field, answer.Body, StringComparison.Ordinal);
        }
    }

    private async Task AssertStillServingAsync(string computer)
    {
        var normal = await master.RequestXmlAsync("after-" + Guid.NewGuid().ToString("N")[..8], sla: new Dictionary<string, string> { ["computer_guid"] = computer });
        Assert.True(normal.Status is HttpStatusCode.OK or HttpStatusCode.NotFound, normal.ToString());
        var json = await master.PostJsonAsync("/slapos.get.v0.hateoas_url", new { });
        Assert.Equal(HttpStatusCode.OK, json.Status);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task A_hostile_marshal_document_in_any_xml_field_is_a_400_naming_the_field(string name)
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 4);
        var document = Document(name);
        var empty = SlapMarshal.Write(new Dictionary<object, object?>());

        var parameters = await master.PostFormAsync("/requestComputerPartition", ("software_release", LoopbackMaster.Release), ("partition_reference", "evil"), ("partition_parameter_xml", document), ("filter_xml", empty), ("state", SlapMarshal.Write("started")));
        var filter = await master.PostFormAsync("/requestComputerPartition", ("software_release", LoopbackMaster.Release), ("partition_reference", "evil"), ("partition_parameter_xml", empty), ("filter_xml", document), ("state", SlapMarshal.Write("started")));
        var state = await master.PostFormAsync("/requestComputerPartition", ("software_release", LoopbackMaster.Release), ("partition_reference", "evil"), ("partition_parameter_xml", empty), ("filter_xml", empty), ("state", document));
        var format = await master.PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", computer), ("xml", document));
        var connection = await master.PostFormAsync("/setComputerPartitionConnectionXml", ("computer_id", computer), ("computer_partition_id", "slappart0"), ("connection_xml", document));

        AssertRefused(parameters, "partition_parameter_xml");
        AssertRefused(filter, "filter_xml");
        AssertRefused(state, "state");
        AssertRefused(format, "xml");
        AssertRefused(connection, "connection_xml");
        await AssertStillServingAsync(computer);
    }

    [Theory]
    [InlineData("billion laughs")]
    [InlineData("external entity")]
    public async Task A_hostile_usage_document_is_refused_by_both_apis(string name)
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        var document = Document(name).Replace("marshal", "journal", StringComparison.Ordinal);

        var xml = await master.PostFormAsync("/useComputer", ("computer_id", computer), ("use_string", document));
        var json = await master.PostJsonAsync("/slapos.post.v0.compute_node_usage", new { computer_guid = computer, tioxml = document });

        AssertRefused(xml);
        AssertRefused(json);
        Assert.Equal(400, json.Json().GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.Json().GetProperty("title").GetString()));
        await AssertStillServingAsync(computer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_50_MB_form_is_refused_with_a_message(bool chunked)
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        var huge = "<marshal><string>" + new string('x', 50 * 1024 * 1024) + "</string></marshal>";
        using var body = new MemoryStream(Encoding.ASCII.GetBytes("partition_reference=huge&state=started&partition_parameter_xml=" + huge));

        var answer = await RawHttp.SendAsync(master.Url, "/requestComputerPartition", "application/x-www-form-urlencoded", body, chunked);

        AssertRefused(answer);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.StartsWith("text/html", answer.ContentType, StringComparison.Ordinal);
        Assert.Contains("<p>The request body is larger than 8388608 bytes.</p>", answer.Body, StringComparison.Ordinal);
        await AssertStillServingAsync(computer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_50_MB_json_body_is_refused_with_a_json_message(bool chunked)
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        using var body = new MemoryStream(Encoding.ASCII.GetBytes("{\"title\": \"huge\", \"software_type\": \"default\", \"software_release_uri\": \"" + new string('x', 50 * 1024 * 1024) + "\"}"));

        var answer = await RawHttp.SendAsync(master.Url, "/slapos.post.v0.software_instance", "application/json", body, chunked);

        AssertRefused(answer);
        Assert.Equal(413, answer.Json().GetProperty("status").GetInt32());
        Assert.Equal("The request body is larger than 4194304 bytes.", answer.Json().GetProperty("title").GetString());
        await AssertStillServingAsync(computer);
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_400()
    {
        var computer = LoopbackMaster.NewComputer();
        await master.FormatAsync(computer, 1);
        var deep = "{\"title\": \"deep\", \"software_release_uri\": \"" + LoopbackMaster.Release + "\", \"software_type\": \"default\", \"parameters\": {\"a\": " + new string('[', 10_000) + new string(']', 10_000) + "}}";

        using var content = new StringContent(deep, Encoding.UTF8, "application/json");
        using var response = await master.Http.PostAsync("/slapos.post.v0.software_instance", content);
        var answer = await Answer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("Bad Request", answer.Json().GetProperty("type").GetString());
        await AssertStillServingAsync(computer);
    }
}
