using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SlapOS.Tests;

namespace SlapOS.Templates.Tests;

/// <summary>
/// Every template of SlapOS.Templates, as a user gets it: installed from the packed template pack, instantiated in a
/// fresh directory, restored from the local feed alone (for SlapOS.*), built, and its tests run. The master and node
/// templates are also the consumer test: composed as the README says, they make a cloud where a request converges.
/// One instance at a time (a test class runs its tests one after the other).
/// </summary>
public sealed partial class TemplateTests(TemplatePack pack) : IClassFixture<TemplatePack>
{
    private static readonly string[] ShortNames = ["slapos-master", "slapos-node", "slapos-policy", "slapos-recipe", "slapos-provider"];

    [Fact]
    public void The_template_pack_installs_the_five_templates_into_the_private_hive()
    {
        foreach (var name in ShortNames)
        {
            Assert.Contains(name, pack.InstallOutput, StringComparison.Ordinal);
        }

        Assert.True(Directory.Exists(pack.Hive), "the private template hive was not used");
    }

    [Fact]
    public async Task Every_package_carries_its_readme_icon_license_repository_commit_and_symbols()
    {
        foreach (var id in TemplatePack.Packages)
        {
            var path = Path.Combine(pack.Feed, $"{id}.{pack.Version}.nupkg");
            using var package = ZipFile.OpenRead(path);
            var entries = package.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", entries);
            Assert.Contains("icon.png", entries);
            using var reader = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var nuspec = await reader.ReadToEndAsync();
            Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<icon>icon.png</icon>", nuspec, StringComparison.Ordinal);
            Assert.Contains("<license type=\"expression\">Apache-2.0</license>", nuspec, StringComparison.Ordinal);
            Assert.Matches("<repository type=\"git\"[^>]* commit=\"[0-9a-f]{40}\"", nuspec);
            if (id == "SlapOS.Templates")
            {
                Assert.Contains("<packageType name=\"Template\" />", nuspec, StringComparison.Ordinal);
                Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
                continue;
            }

            // The library, its XML documentation (CS1591 is on for src), and its symbols in a .snupkg beside it.
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);
            using var symbols = ZipFile.OpenRead(Path.ChangeExtension(path, ".snupkg"));
            Assert.Contains($"lib/net10.0/{id}.pdb", symbols.Entries.Select(e => e.FullName));
        }
    }

    [Fact]
    public async Task The_policy_template_builds_and_its_tests_pass_on_a_real_master()
    {
        var directory = await pack.NewAsync("slapos-policy", "Acme.GreenPolicy");

        var test = (await pack.DotnetAsync(directory, "test", "-c", "Release", "--disable-build-servers", "-nologo")).Succeeded();

        AssertAllPassed(test, atLeast: 4);
        Assert.True(File.Exists(Path.Combine(directory, "src", "Acme.GreenPolicy", "PreferredAttributePolicy.cs")));
        Assert.Contains("namespace Acme.GreenPolicy;", await File.ReadAllTextAsync(Path.Combine(directory, "src", "Acme.GreenPolicy", "PreferredAttributePolicy.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_recipe_template_builds_and_its_tests_pass_through_the_native_buildout_engine()
    {
        var directory = await pack.NewAsync("slapos-recipe", "Acme.Recipes");

        var test = (await pack.DotnetAsync(directory, "test", "-c", "Release", "--disable-build-servers", "-nologo")).Succeeded();

        AssertAllPassed(test, atLeast: 2);
        Assert.Contains("RecipeName = \"Acme.Recipes:greeting\"", await File.ReadAllTextAsync(Path.Combine(directory, "src", "Acme.Recipes", "GreetingRecipe.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_provider_template_passes_the_supervisor_conformance_suite_of_SlapOS_Testing()
    {
        var directory = await pack.NewAsync("slapos-provider", "Acme.Supervisor");

        var test = (await pack.DotnetAsync(directory, "test", "-c", "Release", "--disable-build-servers", "-nologo")).Succeeded();

        // Every test of ProcessSupervisorConformanceTests ran against the template's supervisor.
        AssertAllPassed(test, atLeast: 12);
    }

    [Fact]
    public async Task The_master_template_switches_to_PostgreSql_with_one_option_and_builds()
    {
        var directory = await pack.NewAsync("slapos-master", "Acme.PgMaster", "--database", "postgresql");

        (await pack.DotnetAsync(directory, "build", "-c", "Release", "--disable-build-servers", "-nologo")).Succeeded();

        var program = await File.ReadAllTextAsync(Path.Combine(directory, "Program.cs"));
        Assert.Contains("master.UsePostgreSql();", program, StringComparison.Ordinal);
        Assert.DoesNotContain("UseSqlite", program, StringComparison.Ordinal);
        using var settings = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "appsettings.json")));
        var master = settings.RootElement.GetProperty("SlapOS").GetProperty("Master");
        Assert.True(master.TryGetProperty("PostgreSql", out _));
        Assert.False(master.TryGetProperty("Sqlite", out _));
    }

    [Fact]
    public async Task The_master_and_node_templates_compose_a_cloud_where_a_request_converges()
    {
        var masterDirectory = await pack.NewAsync("slapos-master", "Acme.Master");
        var nodeDirectory = await pack.NewAsync("slapos-node", "Acme.Node");
        (await pack.DotnetAsync(masterDirectory, "build", "-c", "Release", "--disable-build-servers", "-nologo")).Succeeded();
        (await pack.DotnetAsync(nodeDirectory, "build", "-c", "Release", "--disable-build-servers", "-nologo")).Succeeded();
        var state = Directory.CreateDirectory(Path.Combine(pack.Root, "cloud")).FullName;
        var url = $"http://127.0.0.1:{TemplatePack.FreePort()}";
        var servicePort = TemplatePack.FreePort();
        var environment = new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production", ["ASPNETCORE_ENVIRONMENT"] = "Production" };

        // The master on loopback (SQLite, the template's default store).
        using var master = HostProcess.Start(Path.Combine(masterDirectory, "bin", "Release", "net10.0", "Acme.Master.dll"), environment,
            "--urls", url, "--SlapOS:Master:Security:Mode=InsecureLoopback", $"--SlapOS:Master:Sqlite:Path={Path.Combine(state, "master.db")}");
        await master.WaitForAsync("Now listening on");

        // The node: it formats its partitions at start and reports them to the master.
        using var node = HostProcess.Start(Path.Combine(nodeDirectory, "bin", "Release", "net10.0", "Acme.Node.dll"), environment,
            "--SlapOS:Slave:ComputerReference=COMP-TPL", $"--SlapOS:Slave:MasterUrl={url}",
            $"--SlapOS:Slave:InstanceRoot={Path.Combine(state, "srv")}", $"--SlapOS:Slave:SoftwareRoot={Path.Combine(state, "opt")}",
            "--SlapOS:Slave:PartitionAmount=2", "--SlapOS:Slave:UnprivilegedFormatter:Ipv4Range=127.55.77.0/24");
        await node.WaitForAsync("slapgrid format finished with exit code 0");

        // Supply and request the sample hello-web release over the JSON API; the node converges when the instance publishes its URL.
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var release = RepositoryRoot.Combine("samples", "software", "hello-web", "software.cfg");
        await OkAsync(http.PostAsJsonAsync("/slapos.post.v0.software_installation", new { computer_guid = "COMP-TPL", software_release_uri = release, state = "available" }));
        var requested = await OkAsync(http.PostAsJsonAsync("/slapos.post.v0.software_instance", new
        {
            title = "hello",
            software_release_uri = release,
            software_type = "default",
            state = "started",
            shared = false,
            parameters = new { name = "Templates", port = TemplatePack.Invariant(servicePort) },
            sla_parameters = new { computer_guid = "COMP-TPL" },
        }));
        var guid = requested.GetProperty("instance_guid").GetString();

        string? published = null;
        var deadline = DateTime.UtcNow.AddMinutes(4);   // a bound on a stuck node, not a timing assertion
        while (published is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the instance never published its URL.\nnode:\n{node.Output}\nmaster:\n{master.Output}");
            Assert.False(node.HasExited, $"the node exited:\n{node.Output}");
            var instance = await OkAsync(http.PostAsJsonAsync("/slapos.get.v0.software_instance", new { instance_guid = guid }));
            if (instance.TryGetProperty("connection_parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("url", out var published_url))
            {
                published = published_url.GetString();
            }
            else
            {
                await Task.Delay(500);
            }
        }

        // The URL is published by the deployment; the service behind it may take a moment more to listen.
        using var service = new HttpClient();
        string? answer = null;
        while (answer is null)
        {
            try
            {
                answer = await service.GetStringAsync(new Uri(published!));
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }

        Assert.Contains("Hello Templates", answer, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>The test run's summary says no test failed and at least <paramref name="atLeast"/> passed.</summary>
    private static void AssertAllPassed(DotnetRun run, int atLeast)
    {
        var summary = Summary().Match(run.Output);
        Assert.True(summary.Success, $"no test summary in:\n{run.Output}");
        Assert.Equal("0", summary.Groups["failed"].Value);
        Assert.True(int.Parse(summary.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture) >= atLeast, $"fewer than {atLeast} tests passed:\n{run.Output}");
    }

    [GeneratedRegex(@"Failed:\s+(?<failed>\d+),\s+Passed:\s+(?<passed>\d+)")]
    private static partial Regex Summary();
}
