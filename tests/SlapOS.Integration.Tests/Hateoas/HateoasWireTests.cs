using System.Net;
using System.Text.Json;

namespace SlapOS.Integration.Tests.Hateoas;

/// <summary>
/// Replays the request shapes of the slap-wire HATEOAS captures (slapos CLI 1.24.0 against slapproxy)
/// over real HTTP and checks the statuses, headers, keys and values the CLI reads.
/// </summary>
public sealed class HateoasWireTests : IAsyncLifetime
{
    private const string TreeQuery = "portal_type%3A%22Instance%20Tree%22%20AND%20validation_state%3Avalidated";
    private const string ComputerQuery = "portal_type%3A%22Compute%20Node%22%20AND%20validation_state%3Avalidated";

    private const string NotFoundPage = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n";

    private HateoasMaster _master = null!;

    private HttpClient Client => _master.Client;

    private string Base => _master.Address.ToString();

    public async Task InitializeAsync() => _master = await HateoasMaster.StartAsync();

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    public async Task Hateoas_without_a_trailing_slash_is_a_308_to_the_root()
    {
        using var response = await Client.GetAsync("hateoas");

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal(new Uri(Base + "hateoas/"), response.Headers.Location);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains($"<a href=\"{Base}hateoas/\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_root_document_has_absolute_search_and_traverse_templates_as_flask_jsonify_writes_them()
    {
        using var response = await Client.GetAsync("hateoas/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            $"{{\"_links\":{{\"raw_search\":{{\"href\":\"{Base}hateoas/?mode=search&query={{query}}&select_list={{select_list}}\"}},\"traverse\":{{\"href\":\"{Base}hateoas/?mode=traverse&relative_url={{relative_url}}&view={{view}}\"}}}}}}\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Service_list_search_lists_every_root_with_its_release_even_with_two_slappart0()
    {
        // 042/092: the CLI prints {title: url_string}; slapproxy crashed (500) once COMP-1 had a slappart0 too.
        var (rows, raw) = await SearchAsync($"query={TreeQuery}&select_list=title,url_string");

        Assert.Equal(["other-root", "root-inst", "shared-inst"], rows.Select(r => r.GetProperty("title").GetString()).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(HateoasMaster.Release, r.GetProperty("url_string").GetString()));

        var root = rows.Single(r => r.GetProperty("title").GetString() == "root-inst");
        Assert.Equal("local_computer", root.GetProperty("computer_reference").GetString());
        Assert.Equal(_master.Root.PartitionReference, root.GetProperty("reference").GetString());
        Assert.Equal("started", root.GetProperty("requested_state").GetString());
        Assert.Equal("busy", root.GetProperty("slap_state").GetString());
        Assert.Equal("mytype", root.GetProperty("software_type").GetString());
        Assert.Equal(
            "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id=\"extra\">yes</parameter>\n  <parameter id=\"name\">Wire</parameter>\n  <parameter id=\"port\">8080</parameter>\n</instance>\n",
            root.GetProperty("xml").GetString());
        Assert.Equal(
            "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id=\"password\">s3cr3t</parameter>\n  <parameter id=\"url\">http://[2001:db8:1::10]:8080/</parameter>\n</instance>\n",
            root.GetProperty("connection_xml").GetString());
        Assert.Contains(_master.SharedRoot.Reference, root.GetProperty("slave_instance_list").GetString(), StringComparison.Ordinal);

        // A shared root carries only title, url_string and relative_url, keys sorted, compact.
        Assert.Contains(
            $"{{\"relative_url\":\"/hateoas/shared/{_master.SharedRoot.Reference}\",\"title\":\"shared-inst\",\"url_string\":\"{HateoasMaster.Release}\"}}",
            raw, StringComparison.Ordinal);
        Assert.EndsWith("]}}\n", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_info_of_a_root_searches_by_title_traverses_and_reads_the_instance_tree_form()
    {
        // 045, 046, 047
        var (rows, _) = await SearchAsync($"query={TreeQuery}%20AND%20title%3A%3D%22root-inst%22&select_list=title,relative_url");
        var relativeUrl = Assert.Single(rows).GetProperty("relative_url").GetString()!;
        Assert.Equal($"/hateoas/partitions/{_master.Root.Reference}", relativeUrl);

        var document = await TraverseAsync(relativeUrl);

        Assert.Equal(
            "{\"_embedded\":{\"_view\":{\"form_id\":{\"default\":\"InstanceTree_viewAsHateoas\",\"key\":\"form_id\",\"type\":\"StringField\"},\"my_connection_parameter_list\":{\"default\":\"<?xml version='1.0' encoding='utf-8'?>\\n<instance>\\n  <parameter id=\\\"password\\\">s3cr3t</parameter>\\n  <parameter id=\\\"url\\\">http://[2001:db8:1::10]:8080/</parameter>\\n</instance>\\n\",\"key\":\"field_my_connection_parameter_list\",\"type\":\"StringField\"},\"my_reference\":{\"default\":\"root-inst\",\"key\":\"field_my_reference\",\"type\":\"StringField\"},\"my_root_slave\":{\"default\":0,\"key\":\"field_my_root_slave\",\"type\":\"IntegerField\"},\"my_slap_state\":{\"default\":\"started\",\"key\":\"field_my_slap_state\",\"type\":\"StringField\"},\"my_source_reference\":{\"default\":\"mytype\",\"key\":\"field_my_source_reference\",\"type\":\"StringField\"},\"my_text_content\":{\"default\":\"<?xml version='1.0' encoding='utf-8'?>\\n<instance>\\n  <parameter id=\\\"extra\\\">yes</parameter>\\n  <parameter id=\\\"name\\\">Wire</parameter>\\n  <parameter id=\\\"port\\\">8080</parameter>\\n</instance>\\n\",\"key\":\"field_my_text_content\",\"type\":\"StringField\"},\"my_url_string\":{\"default\":\"https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg\",\"key\":\"field_my_url_string\",\"type\":\"StringField\"}}},\"_links\":{\"type\":{\"name\":\"Instance Tree\"}}}\n",
            document);
    }

    [Fact]
    public async Task Service_info_of_a_shared_root_reads_root_slave_1_and_state_unused()
    {
        // 050, 051, 052
        var (rows, _) = await SearchAsync($"query={TreeQuery}%20AND%20title%3A%3D%22shared-inst%22&select_list=title,relative_url");
        var relativeUrl = Assert.Single(rows).GetProperty("relative_url").GetString()!;

        var document = await TraverseAsync(relativeUrl);

        Assert.Equal(
            "{\"_embedded\":{\"_view\":{\"form_id\":{\"default\":\"InstanceTree_viewAsHateoas\",\"key\":\"form_id\",\"type\":\"StringField\"},\"my_connection_parameter_list\":{\"default\":\"<?xml version='1.0' encoding='utf-8'?>\\n<instance>\\n  <parameter id=\\\"frontend-url\\\">https://shared-inst.example/</parameter>\\n</instance>\\n\",\"key\":\"field_my_connection_parameter_list\",\"type\":\"StringField\"},\"my_reference\":{\"default\":\"shared-inst\",\"key\":\"field_my_reference\",\"type\":\"StringField\"},\"my_root_slave\":{\"default\":1,\"key\":\"field_my_root_slave\",\"type\":\"IntegerField\"},\"my_slap_state\":{\"default\":\"unused\",\"key\":\"field_my_slap_state\",\"type\":\"StringField\"},\"my_source_reference\":{\"default\":\"mytype\",\"key\":\"field_my_source_reference\",\"type\":\"StringField\"},\"my_text_content\":{\"default\":\"<?xml version='1.0' encoding='utf-8'?>\\n<instance>\\n  <parameter id=\\\"url\\\">https://backend.example:443/</parameter>\\n</instance>\\n\",\"key\":\"field_my_text_content\",\"type\":\"StringField\"},\"my_url_string\":{\"default\":\"https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg\",\"key\":\"field_my_url_string\",\"type\":\"StringField\"}}},\"_links\":{\"type\":{\"name\":\"Instance Tree\"}}}\n",
            document);
    }

    [Fact]
    public async Task The_slapproxy_address_by_title_still_answers_the_document()
    {
        using var response = await Client.GetAsync("hateoas/partitions/root-inst");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("root-inst", json.RootElement.GetProperty("_embedded").GetProperty("_view").GetProperty("my_reference").GetProperty("default").GetString());
    }

    [Fact]
    public async Task Parameters_are_the_instance_xml_text_with_python_json_escapes()
    {
        // 200: XML escaping inside, non-ASCII as \uXXXX, no connection parameters yet -> null.
        var demo = await _master.Master.RequestAsync(HateoasMaster.Request("types-demo", "local_computer",
            new() { ["utf8"] = "W\u00f6rld \u2713 \u65e5\u672c", ["xml_specials"] = "a&b <c> \"d\" 'e'", ["empty"] = string.Empty }), default);

        using var response = await Client.GetAsync($"hateoas/partitions/{demo.Reference}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"my_connection_parameter_list\":{\"default\":null,", body, StringComparison.Ordinal);
        Assert.Contains("<parameter id=\\\"empty\\\"></parameter>", body, StringComparison.Ordinal);
        Assert.Contains("<parameter id=\\\"utf8\\\">W\\u00f6rld \\u2713 \\u65e5\\u672c</parameter>", body, StringComparison.Ordinal);
        Assert.Contains("<parameter id=\\\"xml_specials\\\">a&amp;b &lt;c&gt; \\\"d\\\" 'e'</parameter>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Computer_list_gives_reference_title_address_and_netmask_of_each_computer()
    {
        // 055/095
        var (rows, raw) = await SearchAsync($"query={ComputerQuery}&select_list=title,reference");

        Assert.Equal(2, rows.Count);
        Assert.Contains("{\"address\":\"2001:db8:1::1\",\"netmask\":\"ffff:ffff:ffff:ffff::\",\"reference\":\"local_computer\",\"relative_url\":\"/hateoas/computers/local_computer\",\"title\":\"local_computer\"}", raw, StringComparison.Ordinal);
        Assert.Contains("{\"address\":\"127.0.1.1\",\"netmask\":\"255.255.255.0\",\"reference\":\"COMP-1\",\"relative_url\":\"/hateoas/computers/COMP-1\",\"title\":\"COMP-1\"}", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Computer_info_searches_by_reference_traverses_and_reads_the_computer_form()
    {
        // 058, 059, 060
        var (rows, _) = await SearchAsync($"query={ComputerQuery}%20AND%20reference%3A%3D%22local_computer%22&select_list=reference,relative_url");
        var relativeUrl = Assert.Single(rows).GetProperty("relative_url").GetString()!;

        var document = await TraverseAsync(relativeUrl);

        Assert.Equal(
            "{\"_embedded\":{\"_view\":{\"form_id\":{\"default\":\"local_computer\",\"key\":\"computer\",\"type\":\"StringField\"},\"my_reference\":{\"default\":\"local_computer\",\"key\":\"reference\",\"type\":\"StringField\"},\"my_title\":{\"default\":\"local_computer\",\"key\":\"reference\",\"type\":\"StringField\"}}},\"_links\":{\"type\":{\"name\":\"Computer\"}}}\n",
            document);
    }

    [Theory]
    [InlineData("hateoas/partitions/nope")]
    [InlineData("hateoas/shared/nope")]
    [InlineData("hateoas/computers/nope")]
    [InlineData("hateoas/partitions/%20%3Cx%3E%27%7F")]
    [InlineData("hateoas/computers/%20%3Cx%3E%27%7F")]
    [InlineData("hateoas/partitions/x%2Fy")]
    public async Task An_unknown_document_is_a_404_page(string path)
    {
        // 061, 062, 063
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(NotFoundPage, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_shared_instance_is_not_served_as_a_partition_nor_a_partition_as_shared()
    {
        using var asPartition = await Client.GetAsync($"hateoas/partitions/{_master.SharedRoot.Reference}");
        using var asShared = await Client.GetAsync($"hateoas/shared/{_master.Root.Reference}");

        Assert.Equal(HttpStatusCode.NotFound, asPartition.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asShared.StatusCode);
    }

    [Theory]
    [InlineData("hateoas/?mode=bogus", "<p>Unhandled mode: bogus</p>")]
    [InlineData("hateoas/?mode=search&query=portal_type%3A%22Software+Installation%22", "<p>Unhandled query: portal_type:&#34;Software Installation&#34;</p>")]
    [InlineData("hateoas/?mode=search", "<p>Unhandled query: </p>")]
    [InlineData("hateoas/?mode=search&query=title%3A%3D%22x%22", "<p>Unhandled query: title:=&#34;x&#34;</p>")]
    [InlineData("hateoas/?mode=traverse&relative_url=%2F%2Fevil.example%2F&view=x", "<p>Unhandled relative_url: //evil.example/</p>")]
    [InlineData("hateoas/?mode=traverse", "<p>Unhandled relative_url: </p>")]
    public async Task A_bad_query_is_a_400_page_with_the_reason(string path, string paragraph)
    {
        // 064, 065
        using var response = await Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal($"<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n{paragraph}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_destroyed_shared_instance_is_no_longer_listed_nor_a_destroyed_root()
    {
        var gone = HateoasMaster.Request("gone-shared", "local_computer", shared: true);
        await _master.Master.RequestAsync(gone, default);
        var doomed = HateoasMaster.Request("doomed-root", "local_computer");
        await _master.Master.RequestAsync(doomed, default);
        var (before, _) = await SearchAsync($"query={TreeQuery}&select_list=title,url_string");
        Assert.Contains(before, r => r.GetProperty("title").GetString() == "gone-shared");
        Assert.Contains(before, r => r.GetProperty("title").GetString() == "doomed-root");

        await _master.Master.RequestAsync(gone with { State = RequestedState.Destroyed }, default);
        await _master.Master.RequestAsync(doomed with { State = RequestedState.Destroyed }, default);
        var (after, _) = await SearchAsync($"query={TreeQuery}&select_list=title,url_string");

        Assert.Equal(["other-root", "root-inst", "shared-inst"], after.Select(r => r.GetProperty("title").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Instances_of_a_tree_are_listed_by_the_tree_title()
    {
        var child = await _master.Master.RequestAsync(HateoasMaster.Request("child", "local_computer", requester: _master.Root.Reference), default);

        var (rows, _) = await SearchAsync("query=portal_type%3A%28%22Software%20Instance%22%2C%20%22Slave%20Instance%22%29%20AND%20validation_state%3Avalidated%20AND%20default_specialise_title%3A%3D%22root-inst%22&select_list=uid,relative_url");

        Assert.Equal(["child", "root-inst"], rows.Select(r => r.GetProperty("title").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal($"/hateoas/partitions/{child.Reference}", rows.Single(r => r.GetProperty("title").GetString() == "child").GetProperty("relative_url").GetString());
        Assert.All(rows, r => Assert.Equal("Software Instance", r.GetProperty("portal_type").GetString()));
    }

    [Fact]
    public async Task GetHateoasUrl_answers_the_absolute_root_url_that_serves_the_root_document()
    {
        using var response = await Client.GetAsync("getHateoasUrl");
        var url = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(Base + "hateoas/", url);
        using var root = await Client.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Contains("raw_search", await root.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<(List<JsonElement> Rows, string Raw)> SearchAsync(string query)
    {
        using var response = await Client.GetAsync($"hateoas/?mode=search&{query}");
        var raw = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        using var json = JsonDocument.Parse(raw);
        return ([.. json.RootElement.GetProperty("_embedded").GetProperty("contents").EnumerateArray().Select(r => r.Clone())], raw);
    }

    /// <summary>What the CLI's jio_get does: traverse (302) then GET the Location.</summary>
    private async Task<string> TraverseAsync(string relativeUrl)
    {
        using var redirect = await Client.GetAsync($"hateoas/?mode=traverse&relative_url={Uri.EscapeDataString(relativeUrl)}&view=slaposjs_view");
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal(relativeUrl, redirect.Headers.Location!.OriginalString);

        using var response = await Client.GetAsync(relativeUrl.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        return await response.Content.ReadAsStringAsync();
    }
}
