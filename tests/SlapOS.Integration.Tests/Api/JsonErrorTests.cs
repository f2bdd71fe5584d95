using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SlapOS.Integration.Tests.Api;

/// <summary>The JSON API's error answers, as SlapOS gives them (json/192-199).</summary>
public sealed class JsonErrorTests(LoopbackMaster master) : IClassFixture<LoopbackMaster>
{
    private async Task<Answer> PostRawAsync(string path, string body, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        using var response = await master.Http.SendAsync(request);
        return await Answer.ReadAsync(response);
    }

    private static void AssertJsonError(Answer answer, int status, string type)
    {
        Assert.Equal(status, (int)answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        var error = answer.Json();
        Assert.Equal(status, error.GetProperty("status").GetInt32());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Invalid_json_is_a_400()
    {
        AssertJsonError(await PostRawAsync("/slapos.get.v0.hateoas_url", "{\"a\": "), 400, "Bad Request");
        AssertJsonError(await PostRawAsync("/slapos.get.v0.hateoas_url", "not json", "text/plain"), 400, "Bad Request");
    }

    [Fact]
    public async Task An_accept_header_without_json_is_a_406()
    {
        AssertJsonError(await PostRawAsync("/slapos.get.v0.hateoas_url", "{}", accept: "text/html"), 406, "Not Acceptable");
    }

    [Fact]
    public async Task Schema_errors_are_400s_worded_as_jsonschema()
    {
        var additional = await PostRawAsync("/slapos.get.v0.hateoas_url", "{\"foo\": 1}");
        var missing = await PostRawAsync("/slapos.post.v0.software_instance", "{\"title\": \"t\", \"software_release_uri\": \"https://example.com/sr.cfg\"}");
        var wrongType = await PostRawAsync("/slapos.post.v0.software_instance", "{\"title\": \"t\", \"software_release_uri\": \"https://example.com/sr.cfg\", \"software_type\": \"default\", \"parameters\": \"a=1\"}");

        AssertJsonError(additional, 400, "Bad Request");
        Assert.Equal("Additional properties are not allowed ('foo' was unexpected)", additional.Json().GetProperty("title").GetString());
        AssertJsonError(missing, 400, "Bad Request");
        Assert.Equal("'software_type' is a required property", missing.Json().GetProperty("title").GetString());
        AssertJsonError(wrongType, 400, "Bad Request");
        Assert.Equal("'a=1' is not of type 'object'", wrongType.Json().GetProperty("title").GetString());
    }

    [Fact]
    public async Task Unknown_path_is_a_404_and_get_is_a_405()
    {
        var unknown = await PostRawAsync("/slapos.get.v0.nothing", "{}");
        using var get = await master.Http.GetAsync("/slapos.get.v0.hateoas_url");

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    [Fact]
    public async Task Unknown_instance_and_computer_are_403s()
    {
        AssertJsonError(await master.PostJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = "nope-" + Guid.NewGuid().ToString("N") }), 403, "Forbidden");
        AssertJsonError(await master.PostJsonAsync("/slapos.allDocs.v0.compute_node_software_installation_list", new { computer_guid = LoopbackMaster.NewComputer() }), 403, "Forbidden");
    }
}
