using System.Net;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>The portal over HTTP, against a real master (insecure loopback mode: the caller is the admin).</summary>
public sealed class PortalPageTests : IAsyncLifetime
{
    private PortalMaster _master = null!;

    public async Task InitializeAsync() => _master = await PortalMaster.StartAsync();

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    public async Task The_computers_page_shows_attributes_partitions_releases_and_last_contact()
    {
        using var http = _master.Client();

        var response = await http.GetAsync("/portal/computers");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains(">COMP-A</a>", html, StringComparison.Ordinal);
        Assert.Contains(">COMP-B</a>", html, StringComparison.Ordinal);
        Assert.Contains("eu-west", html, StringComparison.Ordinal);
        Assert.Contains("us-east", html, StringComparison.Ordinal);
        Assert.Contains(">2 / 1<", html, StringComparison.Ordinal); // COMP-A: alice-web and alice-db on 3 partitions
        Assert.Contains(">1 / 1<", html, StringComparison.Ordinal);
        Assert.Contains("state-available", html, StringComparison.Ordinal);
        Assert.Contains("state-building", html, StringComparison.Ordinal);
        Assert.Contains("<time datetime=", html, StringComparison.Ordinal); // COMP-A's last contact
        Assert.Contains("Signed in as person <strong>loopback-admin</strong>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/portal/portal.css\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_computer_page_shows_its_partitions_instances_reports_and_errors()
    {
        using var http = _master.Client();

        var html = await http.GetStringAsync("/portal/computers/COMP-A");

        Assert.Contains("<h1>Computer COMP-A</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Partitions (2 used, 1 free)", html, StringComparison.Ordinal);
        Assert.Contains(">alice-web</a>", html, StringComparison.Ordinal);
        Assert.Contains(">alice-db</a>", html, StringComparison.Ordinal);
        Assert.Contains("database disk is full", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/portal/trees/{_master.AliceRoot.Reference}\"", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("bob-shop", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tree_page_nests_the_child_and_masks_secrets_until_asked()
    {
        using var http = _master.Client();
        var path = $"/portal/trees/{_master.AliceRoot.Reference}";

        var masked = await http.GetStringAsync(path);
        var shown = await http.GetStringAsync(path + "?show=secrets");

        Assert.Contains("alice-web (root)", masked, StringComparison.Ordinal);
        Assert.Contains("alice-db", masked, StringComparison.Ordinal);
        Assert.True(masked.IndexOf("alice-web (root)", StringComparison.Ordinal) < masked.IndexOf("<ul><li><article class=\"node\" id=\"instance-" + _master.AliceChild.Reference, StringComparison.Ordinal));
        Assert.Contains("http://127.0.101.1:8080/", masked, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalMaster.AliceSecret, masked, StringComparison.Ordinal);
        Assert.Contains("admin-password", masked, StringComparison.Ordinal);
        Assert.Contains(PortalMaster.AliceSecret, shown, StringComparison.Ordinal);
        Assert.Contains("state-started", masked, StringComparison.Ordinal);
        Assert.Contains("database disk is full", masked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_trees_page_lists_every_tree_for_the_admin()
    {
        using var http = _master.Client();

        var html = await http.GetStringAsync("/portal/trees");

        Assert.Contains(">alice-web</a>", html, StringComparison.Ordinal);
        Assert.Contains(">bob-shop</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">alice-db</a>", html, StringComparison.Ordinal); // a child, not a tree
    }

    [Fact]
    public async Task The_request_form_requests_an_instance_and_redirects_to_its_tree()
    {
        using var http = _master.Client(followRedirects: false);

        var response = await PostAsync(http, "/portal/request", new()
        {
            ["release"] = PortalMaster.Release,
            ["title"] = "portal-made",
            ["software_type"] = "default",
            ["parameters"] = "port=8080\ngreeting = hello <b>world</b>",
            ["sla"] = "region=eu-west",
            ["state"] = "started",
        });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/portal/trees/", location, StringComparison.Ordinal);
        var instance = await _master.Master.FindInstanceAsync(InstanceRequest.RootRequester, "portal-made", default);
        Assert.NotNull(instance);
        Assert.Equal(PortalMaster.ComputerA, instance.ComputerReference);
        Assert.Equal("8080", instance.Parameters["port"]);
        Assert.Equal("hello <b>world</b>", instance.Parameters["greeting"]);
        var html = await http.GetStringAsync(location.Split('#')[0]);
        Assert.Contains("portal-made (root)", html, StringComparison.Ordinal);
        Assert.Contains("hello &lt;b&gt;world&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>world</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_request_form_accepts_parameters_as_json_and_a_shared_flag()
    {
        using var http = _master.Client(followRedirects: false);

        var response = await PostAsync(http, "/portal/request", new()
        {
            ["release"] = PortalMaster.Release,
            ["title"] = "json-made",
            ["parameters"] = "{\"port\": 8081, \"debug\": true}",
            ["sla"] = "computer_guid=COMP-A",
            ["shared"] = "on",
        });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var instance = await _master.Master.FindInstanceAsync(InstanceRequest.RootRequester, "json-made", default);
        Assert.NotNull(instance);
        Assert.True(instance.Shared);
        Assert.Equal("8081", instance.Parameters["port"]);
        Assert.Equal("True", instance.Parameters["debug"]);
    }

    [Fact]
    public async Task A_request_nothing_can_host_shows_the_allocation_explanation_and_keeps_the_form()
    {
        using var http = _master.Client(followRedirects: false);

        var response = await PostAsync(http, "/portal/request", new()
        {
            ["release"] = PortalMaster.Release,
            ["title"] = "on-mars",
            ["sla"] = "region=mars",
        });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Nothing can host this request", html, StringComparison.Ordinal);
        Assert.Contains("no free partition for &#x27;on-mars&#x27;: 2 candidates", html, StringComparison.Ordinal);
        Assert.Contains("value=\"on-mars\"", html, StringComparison.Ordinal);
        Assert.Contains("region=mars</textarea>", html, StringComparison.Ordinal);
        Assert.Null(await _master.Master.FindInstanceAsync(InstanceRequest.RootRequester, "on-mars", default));
    }

    [Fact]
    public async Task A_malformed_parameter_line_is_explained_not_a_server_error()
    {
        using var http = _master.Client(followRedirects: false);

        var response = await PostAsync(http, "/portal/request", new()
        {
            ["release"] = PortalMaster.Release,
            ["title"] = "bad-params",
            ["parameters"] = "no equals sign here",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line 1 is not key=value", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supplying_and_removing_a_release_changes_what_the_computer_is_asked()
    {
        using var http = _master.Client(followRedirects: false);
        const string release = "https://example.org/sr/other/software.cfg";

        var supplied = await PostAsync(http, "/portal/computers/COMP-B/supply", new() { ["url"] = release, ["state"] = "available" });
        var afterSupply = await _master.Master.ListSoftwareInstallationsAsync(PortalMaster.ComputerB, default);
        var page = await http.GetStringAsync(supplied.Headers.Location!.ToString().Split('#')[0]);
        var removed = await PostAsync(http, "/portal/computers/COMP-B/supply", new() { ["url"] = release, ["state"] = "destroyed" });
        var afterRemove = await _master.Master.ListSoftwareInstallationsAsync(PortalMaster.ComputerB, default);

        Assert.Equal(HttpStatusCode.SeeOther, supplied.StatusCode);
        Assert.Equal(SupplyState.Available, afterSupply.Single(i => i.SoftwareReleaseUrl == release).RequestedState);
        Assert.Contains("Supplied https://example.org/sr/other/software.cfg", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, removed.StatusCode);
        Assert.Equal(SupplyState.Destroyed, afterRemove.Single(i => i.SoftwareReleaseUrl == release).RequestedState);
    }

    [Fact]
    public async Task A_post_from_another_site_or_with_no_origin_is_refused()
    {
        using var http = _master.Client(followRedirects: false);
        var fields = new Dictionary<string, string> { ["url"] = "https://evil.example/sr.cfg", ["state"] = "available" };

        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/portal/computers/COMP-A/supply") { Content = new FormUrlEncodedContent(fields) };
        foreign.Headers.Add("Origin", "https://evil.example");
        var foreignResponse = await http.SendAsync(foreign);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/portal/computers/COMP-A/supply") { Content = new FormUrlEncodedContent(fields) };
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        crossSite.Headers.Add("Origin", _master.Url);
        var crossSiteResponse = await http.SendAsync(crossSite);
        var bare = await http.PostAsync("/portal/computers/COMP-A/supply", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Forbidden, foreignResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSiteResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bare.StatusCode);
        var installations = await _master.Master.ListSoftwareInstallationsAsync(PortalMaster.ComputerA, default);
        Assert.DoesNotContain(installations, i => i.SoftwareReleaseUrl == "https://evil.example/sr.cfg");
    }

    [Fact]
    public async Task Pages_carry_a_strict_content_security_policy_and_the_stylesheet_is_served_by_the_master()
    {
        using var http = _master.Client();

        var page = await http.GetAsync("/portal/trees");
        var css = await http.GetAsync("/portal/portal.css");

        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("text/css; charset=utf-8", css.Content.Headers.ContentType!.ToString());
        Assert.Contains("@media (max-width: 640px)", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_computers_and_trees_are_a_404_page()
    {
        using var http = _master.Client();

        var computer = await http.GetAsync("/portal/computers/COMP-NONE");
        var tree = await http.GetAsync("/portal/trees/SOFTINST-NONE");

        Assert.Equal(HttpStatusCode.NotFound, computer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, tree.StatusCode);
        Assert.Contains("role=\"alert\"", await computer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_usage_page_draws_a_chart_per_tree_and_per_computer()
    {
        using var http = _master.Client();

        var html = await http.GetStringAsync("/portal/usage?days=7");

        Assert.Contains("<svg viewBox=", html, StringComparison.Ordinal);
        Assert.Contains("id=\"usage-trees\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"usage-computers\"", html, StringComparison.Ordinal);
        Assert.Contains("<polyline", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">alice-web</th>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">COMP-B</th>", html, StringComparison.Ordinal);
        Assert.Contains(">480<", html, StringComparison.Ordinal); // alice-web's total: 300 + 120 + 60 (its child)
    }

    [Fact]
    public async Task The_activity_page_lists_recent_requests_and_reports()
    {
        using var http = _master.Client();

        var html = await http.GetStringAsync("/portal/activity");

        Assert.Contains("requested started by PERSON-alice", html, StringComparison.Ordinal);
        Assert.Contains("error: database disk is full", html, StringComparison.Ordinal);
        Assert.Contains("release report", html, StringComparison.Ordinal);
        Assert.Contains("bob-shop", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_portal_root_redirects_to_the_computers()
    {
        using var http = _master.Client(followRedirects: false);

        var response = await http.GetAsync("/portal");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal/computers", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Stopping_an_instance_goes_through_a_confirmation_page_that_changes_nothing()
    {
        using var http = _master.Client(followRedirects: false);
        var child = _master.AliceChild;
        var path = $"/portal/instances/{child.Reference}/state";

        var tree = await http.GetStringAsync($"/portal/trees/{_master.AliceRoot.Reference}");
        var confirm = await http.GetAsync(path + "?to=stopped");
        var confirmHtml = await confirm.Content.ReadAsStringAsync();
        var afterGet = await _master.Master.GetInstanceAsync(child.Reference, default);
        var unconfirmed = await PostAsync(http, path, new() { ["state"] = "stopped" });
        var afterUnconfirmed = await _master.Master.GetInstanceAsync(child.Reference, default);
        var done = await PostAsync(http, path, new() { ["state"] = "stopped", ["confirmed"] = "yes" });
        var after = await _master.Master.GetInstanceAsync(child.Reference, default);

        Assert.Contains($"href=\"{path}?to=stopped\"", tree, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains("<h1>Stop alice-db?</h1>", confirmHtml, StringComparison.Ordinal);
        Assert.Contains("name=\"confirmed\" value=\"yes\"", confirmHtml, StringComparison.Ordinal);
        Assert.Equal(RequestedState.Started, afterGet.RequestedState);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Equal(RequestedState.Started, afterUnconfirmed.RequestedState);
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.StartsWith($"/portal/trees/{_master.AliceRoot.Reference}?changed=", done.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(RequestedState.Stopped, after.RequestedState);
    }

    [Fact]
    public async Task Destroying_needs_the_data_loss_box_ticked_and_destroys_the_descendants()
    {
        using var http = _master.Client(followRedirects: false);
        var path = $"/portal/instances/{_master.AliceRoot.Reference}/state";

        var confirmHtml = await http.GetStringAsync(path + "?to=destroyed");
        var unticked = await PostAsync(http, path, new() { ["state"] = "destroyed", ["confirmed"] = "yes" });
        var untickedHtml = await unticked.Content.ReadAsStringAsync();
        var afterUnticked = await _master.Master.GetInstanceAsync(_master.AliceRoot.Reference, default);
        var done = await PostAsync(http, path, new() { ["state"] = "destroyed", ["confirmed"] = "yes", ["understood"] = "on" });

        Assert.Contains("1 descendant instance(s) are destroyed with it", confirmHtml, StringComparison.Ordinal);
        Assert.Contains("name=\"understood\" required", confirmHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unticked.StatusCode);
        Assert.Contains("Tick the box", untickedHtml, StringComparison.Ordinal);
        Assert.Equal(RequestedState.Started, afterUnticked.RequestedState);
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Equal(RequestedState.Destroyed, (await _master.Master.GetInstanceAsync(_master.AliceRoot.Reference, default)).RequestedState);
        Assert.Equal(RequestedState.Destroyed, (await _master.Master.GetInstanceAsync(_master.AliceChild.Reference, default)).RequestedState);
        var tree = await http.GetStringAsync(done.Headers.Location!.ToString().Split('#')[0]);
        Assert.DoesNotContain($"href=\"{path}?to=started\"", tree, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_state_or_an_unknown_instance_is_explained_not_a_server_error()
    {
        using var http = _master.Client(followRedirects: false);

        var badState = await http.GetAsync($"/portal/instances/{_master.AliceRoot.Reference}/state?to=exploded");
        var unknown = await http.GetAsync("/portal/instances/SOFTINST-nope/state?to=stopped");
        var crossSite = await http.PostAsync($"/portal/instances/{_master.AliceRoot.Reference}/state", new FormUrlEncodedContent(new Dictionary<string, string> { ["state"] = "destroyed", ["confirmed"] = "yes", ["understood"] = "on" }));

        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(RequestedState.Started, (await _master.Master.GetInstanceAsync(_master.AliceRoot.Reference, default)).RequestedState);
    }

    [Fact]
    public async Task The_capacity_page_and_the_tree_graph_and_the_explanation_are_server_rendered()
    {
        using var http = _master.Client(followRedirects: false);

        var capacity = await http.GetStringAsync("/portal/capacity");
        var tree = await http.GetStringAsync($"/portal/trees/{_master.AliceRoot.Reference}");
        var refused = await PostAsync(http, "/portal/request", new() { ["release"] = PortalMaster.Release, ["title"] = "on-mars", ["sla"] = "region=mars" });
        var refusedHtml = await refused.Content.ReadAsStringAsync();

        Assert.Contains("<tr data-computer=\"COMP-A\">", capacity, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"2 used, 0 reserved, 1 free of 3\"", capacity, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"1 used, 0 reserved, 1 free of 2\"", capacity, StringComparison.Ordinal);
        Assert.Contains("id=\"tree-graph\"", tree, StringComparison.Ordinal);
        Assert.Equal(2, tree.Split("<g class=\"node\"").Length - 1);
        Assert.Single(tree.Split("<path class=\"edge\"").Skip(1));
        Assert.DoesNotContain("<script", tree + capacity + refusedHtml, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("id=\"allocation-explanation\"", refusedHtml, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">attributes</th><td class=\"num\">2</td><td class=\"num\">0</td>", refusedHtml, StringComparison.Ordinal);
        Assert.Contains(">COMP-A</a>, <a href=\"/portal/computers/COMP-B\">COMP-B</a>", refusedHtml, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostAsync(HttpClient http, string path, Dictionary<string, string> fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Origin", _master.Url.TrimEnd('/'));
        return http.SendAsync(request);
    }
}
