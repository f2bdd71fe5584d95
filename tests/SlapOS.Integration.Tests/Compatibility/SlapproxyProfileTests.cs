using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Integration.Tests.Api;
using SlapOS.Master;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Compatibility;

/// <summary>
/// The slapproxy profile's leniencies (docs/compatibility.md), each checked against a fresh master in that profile,
/// and the same calls refused by a master in the strict profile.
/// </summary>
public sealed class SlapproxyProfileTests : IAsyncLifetime
{
    private const string Default = SlapproxyProfileMaster.DefaultComputer;
    private readonly List<LoopbackMaster> _masters = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var master in _masters)
        {
            await master.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_default_computer_answers_before_it_is_formatted_and_no_other_does()
    {
        var master = await StartAsync(new SlapproxyProfileMaster());

        var computer = await master.GetAsync("/getComputerInformation", ("computer_id", Default));
        var other = await master.GetAsync("/getComputerInformation", ("computer_id", Default + "42"));

        Assert.Equal(HttpStatusCode.OK, computer.Status);
        var document = Assert.IsType<MarshalObject>(computer.Marshal());
        Assert.True(document.Is("Computer"), document.ClassName);
        Assert.Equal(HttpStatusCode.NotFound, other.Status);
    }

    [Fact]
    public async Task Any_string_is_a_software_release_in_the_profile_and_refused_in_the_strict_one()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        var strictComputer = LoopbackMaster.NewComputer();
        await strict.FormatAsync(strictComputer, 1);
        const string release = "slapos.tests.test_slapproxy.TestSoftwareInstallation.test_installation_success";

        var supplied = await lenient.PostFormAsync("/supplySupply", ("url", release), ("computer_id", Default), ("state", "available"));
        var full = await lenient.GetAsync("/getFullComputerInformation", ("computer_id", Default));
        var refused = await strict.PostFormAsync("/supplySupply", ("url", release), ("computer_id", strictComputer), ("state", "available"));

        Assert.Equal(HttpStatusCode.OK, supplied.Status);
        Assert.Contains(release, full.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task The_format_document_names_the_computer_whatever_the_form_says()
    {
        var master = await StartAsync(new SlapproxyProfileMaster());
        var described = LoopbackMaster.NewComputer();

        var answer = await master.PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", Default), ("xml", FormatXml(described, 2)));
        var partitions = await master.GetAsync("/getFullComputerInformation", ("computer_id", described));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(HttpStatusCode.OK, partitions.Status);
        Assert.Contains("slappart1", partitions.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_strict_profile_refuses_a_format_document_of_another_computer()
    {
        var master = await StartAsync(new LoopbackMaster());
        var answer = await master.PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", LoopbackMaster.NewComputer()), ("xml", FormatXml(LoopbackMaster.NewComputer(), 1)));
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
    }

    [Fact]
    public async Task A_partition_holding_no_instance_requests_at_the_top_level()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        await lenient.FormatAsync(Default, 2);
        var strictComputer = LoopbackMaster.NewComputer();
        await strict.FormatAsync(strictComputer, 2);

        var answer = await lenient.RequestXmlAsync("MyInstance", requester: (Default, "slappart1"));
        var again = await lenient.RequestXmlAsync("MyInstance");
        var refused = await strict.RequestXmlAsync("MyInstance", requester: (strictComputer, "slappart1"));

        // A request answer carries the requested parameters only (slapproxy's too): the top level shows in the
        // instance's id (no root title) and in a requester-less request of the same title finding the same instance.
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var instance = Assert.IsType<MarshalObject>(answer.Marshal());
        Assert.Equal("MyInstance______0", instance.State["_instance_guid"]);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        var same = Assert.IsType<MarshalObject>(again.Marshal());
        Assert.Equal(instance.State["_instance_guid"], same.State["_instance_guid"]);
        Assert.Equal(instance.State["slap_computer_partition_id"], same.State["slap_computer_partition_id"]);
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
    }

    [Fact]
    public async Task A_release_its_node_reports_destroyed_is_forgotten_in_the_profile_and_kept_in_the_strict_one()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        await lenient.FormatAsync(Default, 1);
        var strictComputer = LoopbackMaster.NewComputer();
        await strict.FormatAsync(strictComputer, 1);
        const string release = "https://mysoft";

        foreach (var (master, computer) in new[] { ((LoopbackMaster)lenient, Default), (strict, strictComputer) })
        {
            var supplied = await master.PostJsonAsync("/slapos.post.v0.software_installation", new { software_release_uri = release, computer_guid = computer });
            var reported = await master.PostJsonAsync("/slapos.put.v0.software_installation_reported_state", new { software_release_uri = release, computer_guid = computer, reported_state = "destroyed" });
            Assert.Equal(HttpStatusCode.OK, supplied.Status);
            Assert.Equal(HttpStatusCode.OK, reported.Status);
        }

        var forgotten = (await lenient.PostJsonAsync("/slapos.allDocs.v0.compute_node_software_installation_list", new { computer_guid = Default })).Json();
        var kept = (await strict.PostJsonAsync("/slapos.allDocs.v0.compute_node_software_installation_list", new { computer_guid = strictComputer })).Json();
        var again = await lenient.PostJsonAsync("/slapos.post.v0.software_installation", new { software_release_uri = release, computer_guid = Default });
        var back = (await lenient.PostJsonAsync("/slapos.allDocs.v0.compute_node_software_installation_list", new { computer_guid = Default })).Json();

        Assert.Equal(0, forgotten.GetProperty("result_list").GetArrayLength());
        Assert.Equal("available", Assert.Single(kept.GetProperty("result_list").EnumerateArray()).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("available", Assert.Single(back.GetProperty("result_list").EnumerateArray()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_request_naming_no_computer_goes_to_the_default_computer_once_it_has_partitions()
    {
        var master = await StartAsync(new SlapproxyProfileMaster());
        var other = LoopbackMaster.NewComputer();
        await master.FormatAsync(other, 3);

        // The default computer has no partition yet: placed anywhere, so masters whose nodes have other names keep working.
        var anywhere = await master.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "Anywhere", software_release_uri = "http://sr//", software_type = "default" });
        await master.FormatAsync(Default, 1);
        var first = await master.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "First", software_release_uri = "http://sr//", software_type = "default" });
        var full = await master.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "Second", software_release_uri = "http://sr//", software_type = "default" });

        Assert.Equal(other, anywhere.Json().GetProperty("computer_guid").GetString());
        Assert.Equal(Default, first.Json().GetProperty("computer_guid").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, full.Status);
    }

    [Fact]
    public async Task Instance_ids_have_slapproxys_shape_in_the_profile_and_the_production_shape_otherwise()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        await lenient.FormatAsync(Default, 2);
        await strict.FormatAsync(LoopbackMaster.NewComputer(), 2);
        var body = new { title = "MyFirstInstance", software_release_uri = "http://sr//", software_type = "foobar" };

        var root = (await lenient.PostJsonAsync("/slapos.post.v0.software_instance", body)).Json();
        var shared = (await lenient.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "MyShared", software_release_uri = "http://sr//", software_type = "foobar", shared = true })).Json();
        var child = await lenient.RequestXmlAsync("MyChild", requester: (Default, root.GetProperty("compute_partition_id").GetString()!), release: "http://sr//");
        var production = (await strict.PostJsonAsync("/slapos.post.v0.software_instance", body)).Json();

        Assert.Equal("MyFirstInstance______0", root.GetProperty("instance_guid").GetString());
        Assert.Equal("MyShared______1", shared.GetProperty("instance_guid").GetString());
        Assert.Equal(HttpStatusCode.OK, child.Status);
        Assert.Equal("MyChild___MyFirstInstance___0", Assert.IsType<MarshalObject>(child.Marshal()).State["_instance_guid"]);
        Assert.StartsWith("SOFTINST-", production.GetProperty("instance_guid").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_format_drops_a_free_partition_and_may_name_one_with_a_space_in_the_profile_only()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        var strictComputer = LoopbackMaster.NewComputer();
        await lenient.FormatAsync(Default, 2);
        await strict.FormatAsync(strictComputer, 2);

        var reformatted = await lenient.PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", Default), ("xml", FormatXml(Default, "something else")));
        var computer = Assert.IsType<MarshalObject>((await lenient.GetAsync("/getFullComputerInformation", ("computer_id", Default))).Marshal());
        var named = await lenient.GetAsync("/registerComputerPartition", ("computer_reference", Default), ("computer_partition_reference", "something else"));
        var padded = await lenient.PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", Default), ("xml", FormatXml(Default, " something")));
        var refused = await strict.PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", strictComputer), ("xml", FormatXml(strictComputer, "something else")));
        var tab = await lenient.PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", Default), ("xml", FormatXml(Default, "something\telse")));

        Assert.Equal(HttpStatusCode.OK, reformatted.Status);
        var partitions = Assert.IsAssignableFrom<System.Collections.IEnumerable>(computer.State["_computer_partition_list"]).Cast<MarshalObject>();
        Assert.Equal(["something else"], partitions.Select(p => (string?)p.State["_partition_id"]));
        Assert.Equal(HttpStatusCode.OK, named.Status);
        Assert.Equal(HttpStatusCode.BadRequest, padded.Status);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("whitespace", refused.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tab.Status);
    }

    [Fact]
    public async Task A_format_that_drops_a_busy_partition_drops_its_instances_in_the_profile_and_keeps_them_in_the_strict_one()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        var strictComputer = LoopbackMaster.NewComputer();
        await lenient.FormatAsync(Default, 2);
        await strict.FormatAsync(strictComputer, 2);

        foreach (var (master, computer) in new[] { ((LoopbackMaster)lenient, Default), (strict, strictComputer) })
        {
            var dropped = (await master.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "Dropped", software_release_uri = "https://mysoft1", software_type = "t1" })).Json();
            var droppedPartition = dropped.GetProperty("compute_partition_id").GetString()!;
            var shared = await master.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "DroppedShared", software_release_uri = "https://mysoft1", software_type = "t1", shared = true });
            var kept = (await master.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "Kept", software_release_uri = "https://mysoft1", software_type = "t2" })).Json();
            var keptPartition = kept.GetProperty("compute_partition_id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, shared.Status);
            Assert.NotEqual(droppedPartition, keptPartition);

            var reformatted = await master.PostFormAsync("/loadComputerConfigurationFromXML", ("computer_id", computer), ("xml", FormatXml(computer, keptPartition, "slappart9")));
            var droppedNow = await master.PostJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = dropped.GetProperty("instance_guid").GetString() });
            var sharedNow = await master.PostJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = shared.Json().GetProperty("instance_guid").GetString() });
            var keptNow = await master.PostJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = kept.GetProperty("instance_guid").GetString() });
            var partitions = Assert.IsAssignableFrom<System.Collections.IEnumerable>(Assert.IsType<MarshalObject>((await master.GetAsync("/getFullComputerInformation", ("computer_id", computer))).Marshal()).State["_computer_partition_list"])
                .Cast<MarshalObject>().Select(p => (string)p.State["_partition_id"]!).Order(StringComparer.Ordinal).ToList();

            Assert.Equal(HttpStatusCode.OK, reformatted.Status);
            Assert.Equal(HttpStatusCode.OK, keptNow.Status);
            Assert.Equal(keptPartition, keptNow.Json().GetProperty("compute_partition_id").GetString());
            if (master is SlapproxyProfileMaster)
            {
                Assert.Equal(HttpStatusCode.Forbidden, droppedNow.Status);
                Assert.Equal(HttpStatusCode.Forbidden, sharedNow.Status);
                Assert.Equal(new[] { keptPartition, "slappart9" }.Order(StringComparer.Ordinal), partitions);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, droppedNow.Status);
                Assert.Equal(HttpStatusCode.OK, sharedNow.Status);
                Assert.Contains(droppedPartition, partitions);
            }
        }
    }

    [Fact]
    public async Task The_certificate_of_a_partition_not_formatted_yet_is_the_empty_pair_in_the_profile_only()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        var strictComputer = LoopbackMaster.NewComputer();
        await strict.FormatAsync(strictComputer, 1);

        var answer = await lenient.GetAsync("/getComputerPartitionCertificate", ("computer_id", Default), ("computer_partition_id", "slappart0"));
        var refused = await strict.GetAsync("/getComputerPartitionCertificate", ("computer_id", strictComputer), ("computer_partition_id", "slappart7"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var pair = Assert.IsAssignableFrom<System.Collections.IDictionary>(answer.Marshal());
        Assert.Equal(string.Empty, pair["certificate"]);
        Assert.Equal(string.Empty, pair["key"]);
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
    }

    [Fact]
    public async Task Status_lines_carry_werkzeugs_capital_reason_phrase_in_the_profile_only()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());

        using var refused = await lenient.Http.GetAsync("/getComputerInformation?computer_id=" + Uri.EscapeDataString("a/b"));
        using var missing = await lenient.Http.GetAsync("/getComputerInformation?computer_id=" + Default + "42");
        using var ok = await lenient.Http.GetAsync("/getComputerInformation?computer_id=" + Default);
        using var strictRefused = await strict.Http.GetAsync("/getComputerInformation?computer_id=" + Uri.EscapeDataString("a/b"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("BAD REQUEST", refused.ReasonPhrase);
        Assert.Equal("NOT FOUND", missing.ReasonPhrase);
        Assert.Equal("OK", ok.ReasonPhrase);
        Assert.Equal(HttpStatusCode.BadRequest, strictRefused.StatusCode);
        Assert.Equal("Bad Request", strictRefused.ReasonPhrase);
    }

    [Fact]
    public async Task A_started_instance_its_node_reports_destroyed_is_freed_in_the_profile_and_kept_in_the_strict_one()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        var strictComputer = LoopbackMaster.NewComputer();
        await lenient.FormatAsync(Default, 1);
        await strict.FormatAsync(strictComputer, 1);

        foreach (var master in new[] { (LoopbackMaster)lenient, strict })
        {
            var requested = (await master.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "MyFirstInstance", software_release_uri = "https://mysoft", software_type = "foobar" })).Json();
            var guid = requested.GetProperty("instance_guid").GetString();

            var reported = await master.PostJsonAsync("/slapos.put.v0.software_instance_reported_state", new { instance_guid = guid, reported_state = "destroyed" });
            var after = await master.PostJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = guid });

            if (master is SlapproxyProfileMaster)
            {
                Assert.Equal(HttpStatusCode.OK, reported.Status);
                Assert.Equal("Destroyed", reported.Json().GetProperty("title").GetString());
                Assert.Equal(HttpStatusCode.Forbidden, after.Status);
                var again = await master.PostJsonAsync("/slapos.post.v0.software_instance", new { title = "Other", software_release_uri = "https://mysoft", software_type = "foobar" });
                Assert.Equal(HttpStatusCode.OK, again.Status);
                Assert.Equal(requested.GetProperty("compute_partition_id").GetString(), again.Json().GetProperty("compute_partition_id").GetString());
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, reported.Status);
                Assert.Equal(HttpStatusCode.OK, after.Status);
                Assert.Equal("started", after.Json().GetProperty("state").GetString());
            }
        }
    }

    [Fact]
    public async Task A_software_installation_error_is_recorded_in_both_profiles_and_acknowledged_in_slapproxys_word_in_its_profile()
    {
        var lenient = await StartAsync(new SlapproxyProfileMaster());
        var strict = await StartAsync(new LoopbackMaster());
        var strictComputer = LoopbackMaster.NewComputer();
        await lenient.FormatAsync(Default, 1);
        await strict.FormatAsync(strictComputer, 1);

        foreach (var (master, computer, title) in new[] { ((LoopbackMaster)lenient, Default, "Ignored"), (strict, strictComputer, "Reported") })
        {
            await master.PostJsonAsync("/slapos.post.v0.software_installation", new { software_release_uri = "https://mysoft", computer_guid = computer });
            var answer = await master.PostJsonAsync("/slapos.put.v0.software_installation_error", new { software_release_uri = "https://mysoft", computer_guid = computer, message = "it does not work" });
            var installations = await master.Services.GetRequiredService<ISlapMaster>().ListSoftwareInstallationsAsync(computer, default);

            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(title, answer.Json().GetProperty("title").GetString());
            var installation = Assert.Single(installations);
            Assert.Equal(SoftwareInstallationState.Error, installation.ReportedState);
            Assert.Equal("it does not work", installation.ErrorMessage);
        }
    }

    private async Task<T> StartAsync<T>(T master)
        where T : LoopbackMaster
    {
        _masters.Add(master);
        await master.InitializeAsync();
        return master;
    }

    private static string FormatXml(string computer, int partitions) =>
        FormatXml(computer, [.. Enumerable.Range(0, partitions).Select(i => "slappart" + i)]);

    private static string FormatXml(string computer, params string[] partitions) =>
        SlapMarshal.Write(SlapWireObjects.ToFormatDictionary(new ComputerFormat(
            computer,
            "10.88.0.1",
            "255.255.255.0",
            partitions.Select((reference, i) => new ComputerPartition
            {
                ComputerReference = computer,
                Reference = reference,
                Addresses = [new PartitionAddress("10.88.0." + (10 + i), "255.255.255.255", "slaptap" + i)],
                Tap = new PartitionTap("slaptap" + i),
            }).ToList())));
}
