using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Integration.Tests.Api;
using SlapOS.Integration.Tests.Identity;
using SlapOS.Master;
using SlapOS.Master.Portal;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Federation;

/// <summary>
/// Master A forwards requests to master B (mutual TLS, B's CA, a certificate B issued to A) by SLA
/// <c>master_url</c>, by release list and by an integrator's rule; what B says comes back through A.
/// </summary>
public sealed class FederationTests(FederatedMasters masters) : IClassFixture<FederatedMasters>
{
    private static string NewTitle(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Task<Answer> RequestAsync(string title, string release = FederatedMasters.ListedRelease, object? sla = null, string state = "started", bool shared = false, object? parameters = null) =>
        masters.A.PostJsonAsync("/slapos.post.v0.software_instance", new
        {
            title,
            software_release_uri = release,
            software_type = "default",
            state,
            shared,
            parameters = parameters ?? new { },
            sla_parameters = sla ?? new { },
        });

    private static JsonElement Ok(Answer answer)
    {
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return answer.Json();
    }

    private ISlapMaster MasterA => masters.A.Services.GetRequiredService<ISlapMaster>();

    private IForwardedInstanceStore RecordsOfA => (IForwardedInstanceStore)masters.A.Services.GetRequiredService<IMasterStore>();

    [Fact]
    public async Task A_request_naming_B_in_its_SLA_is_allocated_on_B_and_recorded_on_A_with_where_it_lives()
    {
        var title = NewTitle("sla");
        var answer = await masters.A.RequestXmlAsync(title, sla: new Dictionary<string, string> { ["master_url"] = masters.BUrl });

        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        var wire = Assert.IsType<MarshalObject>(answer.Marshal());
        Assert.Equal(masters.BUrl, wire.Get("_master_url"));

        // A has no computer at all: only B could have allocated it.
        var onB = await masters.OnBAsync(title);
        Assert.NotNull(onB);
        Assert.Equal(FederatedMasters.Computer, onB.ComputerReference);
        Assert.False(onB.Sla.ContainsKey("master_url"));
        Assert.Equal(onB.ComputerReference, wire.Get("slap_computer_id"));
        Assert.Equal(onB.PartitionReference, wire.Get("slap_computer_partition_id"));

        var onA = await MasterA.FindInstanceAsync(InstanceRequest.RootRequester, title, default);
        Assert.NotNull(onA);
        Assert.Null(onA.PartitionReference);
        var record = await RecordsOfA.GetForwardedInstanceAsync(onA.Reference, default);
        Assert.NotNull(record);
        Assert.Equal(masters.BUrl, record.MasterUrl);
        Assert.Equal(onB.Reference, record.ExternalReference);
        Assert.Equal(onB.PartitionReference, record.ExternalPartitionReference);
    }

    [Fact]
    public async Task A_listed_release_goes_to_B_re_requests_are_idempotent_connection_parameters_come_back_and_destroy_frees_Bs_partition()
    {
        var title = NewTitle("listed");
        var guid = Ok(await RequestAsync(title, parameters: new { size = "1" })).GetProperty("instance_guid").GetString()!;
        var onB = await masters.OnBAsync(title);
        Assert.NotNull(onB);
        var partition = onB.PartitionReference!;

        // Re-requests through A: the same instance here and there, nothing new allocated on B.
        Assert.Equal(guid, Ok(await RequestAsync(title, parameters: new { size = "1" })).GetProperty("instance_guid").GetString());
        Assert.Single(await masters.AllOnBAsync(), i => i.Title == title);
        Assert.Equal(onB.Reference, (await masters.OnBAsync(title))!.Reference);

        // B's node publishes; the requester reads it through A.
        await masters.B.Master.PublishConnectionParametersAsync(FederatedMasters.Computer, partition, new Dictionary<string, string> { ["url"] = "https://b.example/" + title }, null, default);
        var again = Ok(await RequestAsync(title, parameters: new { size = "1" }));
        Assert.Equal("https://b.example/" + title, again.GetProperty("connection_parameters").GetProperty("url").GetString());

        // JSON get (the body keeps SlapOS's keys; the headers say where it lives), and the portal.
        using var get = await masters.A.Http.PostAsJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = guid });
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(masters.BUrl, get.Headers.GetValues(SlapHeaders.MasterUrl).Single());
        Assert.Equal(onB.Reference, get.Headers.GetValues(SlapHeaders.ExternalReference).Single());
        var body = JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://b.example/" + title, body.GetProperty("connection_parameters").GetProperty("url").GetString());
        var page = await masters.A.GetAsync(PortalFormat.TreePath(guid));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("external master", page.Body, StringComparison.Ordinal);
        Assert.Contains(masters.BUrl, page.Body, StringComparison.Ordinal);
        Assert.Contains(onB.Reference, page.Body, StringComparison.Ordinal);
        var hateoas = (await masters.A.GetAsync($"/hateoas/partitions/{guid}")).Json().GetProperty("_embedded").GetProperty("_view");
        Assert.Equal(masters.BUrl, hateoas.GetProperty("my_master_url").GetProperty("default").GetString());
        Assert.Equal("https://b.example/" + title, HateoasConnection(hateoas));

        // A changed parameter is forwarded too.
        Ok(await RequestAsync(title, parameters: new { size = "2" }));
        Assert.Equal("2", (await masters.OnBAsync(title))!.Parameters["size"]);

        // Destroy through A: B is asked to destroy, A keeps nothing; B's node destroys and the partition is free.
        Ok(await RequestAsync(title, state: "destroyed", parameters: new { size = "2" }));
        Assert.Equal(RequestedState.Destroyed, (await masters.OnBAsync(title))!.RequestedState);
        Assert.Null(await MasterA.FindInstanceAsync(InstanceRequest.RootRequester, title, default));
        Assert.Null(await RecordsOfA.GetForwardedInstanceAsync(guid, default));
        await masters.B.Master.ReportDestroyedAsync(FederatedMasters.Computer, partition, default);
        var freed = (await masters.B.Master.ListPartitionsAsync(FederatedMasters.Computer, default)).Single(p => p.Reference == partition);
        Assert.Equal(PartitionState.Free, freed.State);
        Assert.Null(await masters.OnBAsync(title));
    }

    [Fact]
    public async Task A_shared_instance_is_forwarded_and_hosted_on_B()
    {
        var hostTitle = NewTitle("host");
        Ok(await RequestAsync(hostTitle));
        var host = await masters.OnBAsync(hostTitle);
        Assert.NotNull(host);

        var sharedTitle = NewTitle("shared");
        var guid = Ok(await RequestAsync(sharedTitle, shared: true)).GetProperty("instance_guid").GetString();
        var shared = await masters.OnBAsync(sharedTitle);
        Assert.NotNull(shared);
        Assert.True(shared.Shared);
        Assert.NotNull(shared.HostInstanceReference);

        var onA = await MasterA.FindInstanceAsync(InstanceRequest.RootRequester, sharedTitle, default);
        Assert.NotNull(onA);
        Assert.True(onA.Shared);
        Assert.Equal(guid, onA.Reference);
        Assert.Equal(shared.Reference, (await RecordsOfA.GetForwardedInstanceAsync(onA.Reference, default))!.ExternalReference);

        Assert.Equal(guid, Ok(await RequestAsync(sharedTitle, shared: true)).GetProperty("instance_guid").GetString());
        Assert.Single(await masters.AllOnBAsync(), i => i.Title == sharedTitle);
    }

    [Fact]
    public async Task An_integrators_rule_sends_a_region_to_B()
    {
        var title = NewTitle("region");
        Ok(await RequestAsync(title, release: LoopbackMaster.Release, sla: new { region = FederatedMasters.Region }));
        var onB = await masters.OnBAsync(title);
        Assert.NotNull(onB);
        Assert.Equal(FederatedMasters.Region, onB.Sla["region"]);
    }

    [Fact]
    public async Task A_child_of_a_local_instance_keeps_its_tree_here_and_gets_a_unique_title_on_B()
    {
        // The parent is itself forwarded (A has no computer); its child, requested by it, is in its tree on A.
        var parentTitle = NewTitle("parent");
        var parent = Ok(await RequestAsync(parentTitle)).GetProperty("instance_guid").GetString()!;
        var child = await MasterA.RequestAsync(new InstanceRequest { Title = "db", RequesterReference = parent, SoftwareReleaseUrl = FederatedMasters.ListedRelease }, default);
        Assert.Equal(parent, child.RootReference);
        var tree = await MasterA.GetInstanceTreeAsync(parent, default);
        Assert.Contains(tree.Instances, i => i.Reference == child.Reference);
        Assert.NotNull(await masters.OnBAsync($"db ({parent})"));

        // Destroying the parent through A destroys the child on B too.
        Ok(await RequestAsync(parentTitle, state: "destroyed"));
        Assert.Equal(RequestedState.Destroyed, (await masters.OnBAsync($"db ({parent})"))!.RequestedState);
    }

    [Fact]
    public async Task A_master_url_that_is_not_configured_is_refused_clearly()
    {
        var answer = await RequestAsync(NewTitle("unknown"), release: LoopbackMaster.Release, sla: new { master_url = "https://elsewhere.example/" });
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("not an external master", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_background_refresh_brings_back_connection_parameters_published_on_B_without_a_re_request()
    {
        var title = NewTitle("refresh");
        var guid = Ok(await RequestAsync(title)).GetProperty("instance_guid").GetString()!;
        var onB = (await masters.OnBAsync(title))!;
        await masters.B.Master.PublishConnectionParametersAsync(FederatedMasters.Computer, onB.PartitionReference!, new Dictionary<string, string> { ["port"] = "8443" }, null, default);
        Assert.Empty((await MasterA.GetInstanceAsync(guid, default)).ConnectionParameters);

        await masters.A.Services.GetRequiredService<SlapOS.Master.Federation.ForwardedInstanceRefresh>().RefreshAllAsync(default);

        Assert.Equal("8443", (await MasterA.GetInstanceAsync(guid, default)).ConnectionParameters["port"]);
        Assert.Single(await masters.AllOnBAsync(), i => i.Title == title);
    }

    [Fact]
    public async Task What_Bs_node_reports_comes_back_through_A_without_giving_A_anything_to_redo()
    {
        var title = NewTitle("reported");
        var guid = Ok(await RequestAsync(title)).GetProperty("instance_guid").GetString()!;
        var onB = (await masters.OnBAsync(title))!;
        var requested = await MasterA.GetInstanceAsync(guid, default);
        Assert.Equal(ReportedState.None, requested.ReportedState);

        // B's node says started: the background refresh brings it to A, and A's JSON answer says it.
        await masters.B.Master.ReportInstanceStateAsync(FederatedMasters.Computer, onB.PartitionReference!, ReportedState.Started, null, default);
        await masters.A.Services.GetRequiredService<SlapOS.Master.Federation.ForwardedInstanceRefresh>().RefreshAllAsync(default);
        var started = await MasterA.GetInstanceAsync(guid, default);
        Assert.Equal(ReportedState.Started, started.ReportedState);
        Assert.NotNull(started.ReportedAt);
        Assert.Equal(requested.Timestamp, started.Timestamp);
        using (var get = await masters.A.Http.PostAsJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = guid }))
        {
            Assert.Equal("started", get.Headers.GetValues(SlapHeaders.ReportedState).Single());
        }

        // B's node says error: a re-request through A answers with it.
        await masters.B.Master.ReportInstanceStateAsync(FederatedMasters.Computer, onB.PartitionReference!, ReportedState.Error, "promise failed on B", default);
        var again = await RequestAsync(title);
        Assert.Equal("promise failed on B", Ok(again).GetProperty("access_status_message").GetString());
        var failed = await MasterA.GetInstanceAsync(guid, default);
        Assert.Equal(ReportedState.Error, failed.ReportedState);
        Assert.Equal("promise failed on B", failed.ErrorMessage);
        Assert.Equal(requested.Timestamp, failed.Timestamp);
        Assert.Single(await masters.AllOnBAsync(), i => i.Title == title);
    }

    [Fact]
    public async Task Both_masters_in_mutual_TLS_an_administrator_of_A_requests_through_A_and_B_allocates()
    {
        var directory = Directory.CreateTempSubdirectory("slapos-federation-mtls-a-").FullName;
        var a = await MtlsMaster.StartSharedAsync(
            m => m.UseSqlite(Path.Combine(directory, "a.db")),
            Path.Combine(directory, "ca"),
            masters.SettingsForB.ToDictionary(p => p.Key, p => (string?)p.Value),
            m => m.UseJsonExternalMasters());
        try
        {
            var admin = await a.IssueAsync(IdentityKind.Person, "admin-of-a", admin: true);
            using var client = a.Client(admin);
            var title = NewTitle("mtls");
            var answer = await MtlsMaster.PostJsonAsync(client, "/slapos.post.v0.software_instance", new
            {
                title,
                software_release_uri = FederatedMasters.ListedRelease,
                software_type = "default",
                state = "started",
                parameters = new { },
                sla_parameters = new { },
            });
            Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
            Assert.Equal(FederatedMasters.Computer, (await masters.OnBAsync(title))?.ComputerReference);
        }
        finally
        {
            await a.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Over_the_legacy_XML_API_A_forwards_the_form_slapproxy_forwards_and_follows_it()
    {
        var settings = masters.SettingsForB.ToDictionary(p => p.Key, p => p.Value);
        settings["SlapOS:Master:Federation:Masters:b:Api"] = "xml";
        var a = new ForwardingMaster(settings);
        await a.InitializeAsync();
        try
        {
            var title = NewTitle("xml");
            var first = await a.RequestXmlAsync(title, sla: new Dictionary<string, string> { ["master_url"] = masters.BUrl });
            Assert.True(first.Status == HttpStatusCode.OK, first.ToString());
            var onB = await masters.OnBAsync(title);
            Assert.NotNull(onB);

            await masters.B.Master.PublishConnectionParametersAsync(FederatedMasters.Computer, onB.PartitionReference!, new Dictionary<string, string> { ["url"] = "https://b.example/xml" }, null, default);
            var again = Assert.IsType<MarshalObject>((await a.RequestXmlAsync(title, sla: new Dictionary<string, string> { ["master_url"] = masters.BUrl })).Marshal());
            Assert.Equal("https://b.example/xml", Assert.IsType<Dictionary<object, object?>>(again.Get("_connection_dict"))["url"]);
            Assert.Single(await masters.AllOnBAsync(), i => i.Title == title);
            Assert.Null(again.Get("_access_status"));

            // What B's node reports comes back over XML too (B's _access_status, read by A's XML client) and A's XML
            // answer says it in the same words.
            await masters.B.Master.ReportInstanceStateAsync(FederatedMasters.Computer, onB.PartitionReference!, ReportedState.Error, "promise failed on B", default);
            var reported = Assert.IsType<MarshalObject>((await a.RequestXmlAsync(title, sla: new Dictionary<string, string> { ["master_url"] = masters.BUrl })).Marshal());
            Assert.Equal("#error while instanciating: promise failed on B", reported.Get("_access_status"));
            var onA = await a.Services.GetRequiredService<ISlapMaster>().GetInstanceAsync((string)reported.Get("_instance_guid")!, default);
            Assert.Equal(ReportedState.Error, onA.ReportedState);
            Assert.Equal("promise failed on B", onA.ErrorMessage);
            await masters.B.Master.ReportInstanceStateAsync(FederatedMasters.Computer, onB.PartitionReference!, ReportedState.Started, null, default);
            await a.Services.GetRequiredService<SlapOS.Master.Federation.ForwardedInstanceRefresh>().RefreshAllAsync(default);
            Assert.Equal(ReportedState.Started, (await a.Services.GetRequiredService<ISlapMaster>().GetInstanceAsync(onA.Reference, default)).ReportedState);

            var destroyed = await a.RequestXmlAsync(title, state: "destroyed");
            Assert.Equal(HttpStatusCode.OK, destroyed.Status);
            Assert.Equal(RequestedState.Destroyed, (await masters.OnBAsync(title))!.RequestedState);

            // The record here is gone with the destruction, yet the answer still says where the instance lived (the
            // slap library builds a ComputerPartition from slap_computer_id and slap_computer_partition_id).
            var gone = Assert.IsType<MarshalObject>(destroyed.Marshal());
            Assert.Equal(again.Get("_master_url"), gone.Get("_master_url"));
            Assert.Equal(FederatedMasters.Computer, gone.Get("slap_computer_id"));
            Assert.Equal(onB.PartitionReference, gone.Get("slap_computer_partition_id"));
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

    /// <summary>The <c>url</c> connection parameter of a HATEOAS instance view (an XML parameter document, as SlapOS sends it).</summary>
    private static string? HateoasConnection(JsonElement view)
    {
        var xml = view.GetProperty("my_connection_parameter_list").GetProperty("default").ToString();
        var start = xml.IndexOf("https://b.example/", StringComparison.Ordinal);
        return start < 0 ? null : xml[start..xml.IndexOf('<', start)];
    }
}
