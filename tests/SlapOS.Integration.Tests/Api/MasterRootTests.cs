using System.Net;
using System.Text.Json;
using SlapOS.Integration.Tests.Portal;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// <c>GET /</c> on a master: a redirect to the portal when it is mapped (as slapproxy redirects to its
/// panel), otherwise a small JSON index naming the API roots, each of which answers.
/// </summary>
public sealed class MasterRootTests
{
    [Fact]
    public async Task With_the_portal_the_root_redirects_a_browser_to_it()
    {
        await using var master = await PortalMaster.StartAsync();
        using var client = master.Client(followRedirects: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/portal/", response.Headers.Location?.OriginalString);

        // Followed, as a browser does: the portal's first page.
        using var browser = master.Client();
        using var page = await browser.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.EndsWith("/portal/computers", page.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_portal_the_root_names_the_api_roots()
    {
        var master = new LoopbackMaster();
        await master.InitializeAsync();
        try
        {
            using var response = await master.Http.GetAsync(new Uri("/", UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var index = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("SlapOS master", index.RootElement.GetProperty("title").GetString());
            var apis = index.RootElement.GetProperty("api_list").EnumerateArray()
                .ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("path").GetString()!);
            Assert.Equal(["ca_certificate", "hateoas", "json", "xml"], apis.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("/openapi/slapos-v0.json", apis["json"]);
            Assert.Equal("/hateoas/", apis["hateoas"]);

            // The roots it names are real: the OpenAPI document and the HATEOAS root answer.
            using var openApi = await master.Http.GetAsync(new Uri(apis["json"], UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
            using var hateoas = await master.Http.GetAsync(new Uri(apis["hateoas"], UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, hateoas.StatusCode);
        }
        finally
        {
            await master.DisposeAsync();
        }
    }
}
