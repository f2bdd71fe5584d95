using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class BuiltInRecipeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Func<string, IBuildoutRecipe?> Recipes
    {
        get
        {
            var all = BuiltInRecipes.All.ToDictionary(r => r.Name, r => r.Create, StringComparer.Ordinal);
            return name => all.TryGetValue(name, out var create) ? create() : null;
        }
    }

    private static PartitionInstance Partition(IReadOnlyDictionary<string, string>? parameters = null) => new()
    {
        ComputerReference = "COMP-7",
        PartitionReference = "slappart3",
        InstanceReference = "SOFTINST-9",
        Title = "child",
        RootTitle = "root",
        SoftwareReleaseUrl = "http://example.invalid/software.cfg",
        SoftwareType = "default",
        RequestedState = RequestedState.Started,
        Parameters = parameters ?? new Dictionary<string, string>(),
        Addresses =
        [
            new PartitionAddress("10.0.0.3", "255.255.255.0", "slaptap3"),
            new PartitionAddress("2001:db8::3", "ffff:ffff:ffff:ffff::"),
        ],
        SharedInstances =
        [
            new SharedInstanceEntry("SLAVE-1", "shared one", "default", new Dictionary<string, string> { ["domain"] = "a.example" }, new InstanceTimestamp(1)),
        ],
    };

    private async Task<BuildoutEnvironment> RunAsync(string profileText, PartitionInstance? partition = null)
    {
        var profile = _dir.Write("buildout.cfg", profileText);
        var environment = BuildoutRunner.Environment(_dir.Path, partition);
        await new BuildoutEngine(Recipes).RunAsync(profile, environment, null, CancellationToken.None);
        return environment;
    }

#pragma warning disable CA5351 // Buildout profiles check downloads with MD5.
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    private static async Task<(int ExitCode, string Output)> ExecuteAsync(string path)
    {
        using var process = Process.Start(new ProcessStartInfo(path) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task Template_renders_liquid_with_sections_as_variables()
    {
        await RunAsync("""
            [buildout]
            parts = config

            [parameters]
            name = World & <friends>
            port-number = 8080

            [config]
            recipe = template
            output = ${buildout:directory}/etc/app.conf
            mode = 0600
            inline =
              name={{ parameters.name }}
              port={{ parameters.port_number }} {{ parameters["port-number"] }}
              computer={{ slap_connection.computer_id }}
              {% if parameters.name contains "World" %}world{% endif %}
            [slap-connection]
            computer-id = COMP-1
            """);

        var output = Path.Combine(_dir.Path, "etc", "app.conf");
        Assert.Equal("name=World & <friends>\nport=8080 8080\ncomputer=COMP-1\nworld", await File.ReadAllTextAsync(output));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
    }

    [Fact]
    public async Task Template_is_rerendered_when_a_section_it_uses_changes()
    {
        const string Profile = """
            [buildout]
            parts = config
            [parameters]
            name = {0}
            [config]
            recipe = template
            output = ${{buildout:directory}}/out
            inline = hello {{{{ parameters.name }}}}
            """;
        await RunAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Profile, "a"));
        await RunAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Profile, "b"));

        Assert.Equal("hello b", await File.ReadAllTextAsync(Path.Combine(_dir.Path, "out")));
    }

    [Fact]
    public async Task Template_from_a_url_checks_its_md5()
    {
        var template = _dir.Write("t.in", "x={{ s.v }}");
        var md5 = Md5("x={{ s.v }}");
        await RunAsync($"[buildout]\nparts = t\n[s]\nv = 1\n[t]\nrecipe = template\nurl = {template}\nmd5sum = {md5}\noutput = ${{buildout:directory}}/t.out\n");
        Assert.Equal("x=1", await File.ReadAllTextAsync(Path.Combine(_dir.Path, "t.out")));

        var error = await Assert.ThrowsAsync<BuildoutException>(() => RunAsync($"[buildout]\nparts = t\n[t]\nrecipe = template\nurl = {template}\nmd5sum = 0123\noutput = ${{buildout:directory}}/t2.out\n"));
        Assert.Contains("MD5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slapos_recipe_template_substitutes_buildout_references_in_its_file()
    {
        var template = _dir.Write("instance.cfg.in", "[x]\nlocation = ${python:location}\nown = ${:output}\nlater = $${slap-connection:computer-id}\nshell = $HOME {{ kept }}\n");
        await RunAsync($"[buildout]\nparts = t\n[python]\nlocation = /opt/python\n[t]\nrecipe = slapos.recipe.template\nurl = {template}\noutput = ${{buildout:directory}}/instance.cfg\n");

        var output = Path.Combine(_dir.Path, "instance.cfg");
        Assert.Equal($"[x]\nlocation = /opt/python\nown = {output}\nlater = ${{slap-connection:computer-id}}\nshell = $HOME {{{{ kept }}}}\n", await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task Template_with_invalid_liquid_names_the_part()
    {
        var error = await Assert.ThrowsAsync<BuildoutException>(() => RunAsync("[buildout]\nparts = t\n[t]\nrecipe = template\ninline = {% if %}\noutput = ${buildout:directory}/x\n"));

        Assert.Contains("[t]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrapper_execs_the_command_line_with_its_environment()
    {
        await RunAsync("""
            [buildout]
            parts = wrapper
            [wrapper]
            recipe = slapos.cookbook:wrapper
            command-line =
              /bin/sh -c 'echo "$GREETING $0 $1"' first
            wrapper-path = ${buildout:directory}/bin/greet
            environment =
              GREETING=it's me
            parameters-extra = true
            """);

        var wrapper = Path.Combine(_dir.Path, "bin", "greet");
        using var process = Process.Start(new ProcessStartInfo(wrapper, "second") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal("it's me first second", output.Trim());
    }

    [Fact]
    public async Task Wrapper_is_removed_when_its_part_is()
    {
        await RunAsync("[buildout]\nparts = w\n[w]\nrecipe = wrapper\ncommand-line = true\nwrapper-path = ${buildout:directory}/w\n");
        Assert.True(File.Exists(Path.Combine(_dir.Path, "w")));

        await RunAsync("[buildout]\nparts =\n");

        Assert.False(File.Exists(Path.Combine(_dir.Path, "w")));
    }

    [Fact]
    public async Task Mkdirectory_creates_directories_with_the_mode_and_keeps_them_on_uninstall()
    {
        await RunAsync("[buildout]\nparts = dirs\n[dirs]\nrecipe = mkdirectory\netc = ${buildout:directory}/etc\nservice = ${:etc}/service\ndata = ${buildout:directory}/srv/data\nmode = 0750\n");

        var data = Path.Combine(_dir.Path, "srv", "data");
        Assert.True(Directory.Exists(Path.Combine(_dir.Path, "etc", "service")));
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(data));

        await RunAsync("[buildout]\nparts =\n");
        Assert.True(Directory.Exists(data));
    }

    [Fact]
    public async Task Command_runs_on_install_and_update_command_on_update()
    {
        const string Profile = "[buildout]\nparts = c\n[c]\nrecipe = command\ncommand = echo install >> log\nupdate-command = echo update >> log\n";
        await RunAsync(Profile);
        await RunAsync(Profile);

        Assert.Equal(["install", "update"], await File.ReadAllLinesAsync(Path.Combine(_dir.Path, "log")));
    }

    [Fact]
    public async Task Command_failure_stops_only_with_stop_on_error()
    {
        await RunAsync("[buildout]\nparts = c\n[c]\nrecipe = plone.recipe.command\ncommand = exit 2\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(() => RunAsync("[buildout]\nparts = c\n[c]\nrecipe = command\ncommand = exit 3\nstop-on-error = true\n"));
        Assert.Contains("exit code 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slapconfiguration_fills_the_section_from_the_partition()
    {
        var partition = Partition(new Dictionary<string, string> { ["name"] = "alice", ["bad key"] = "x" });
        var profile = _dir.Write("buildout.cfg", """
            [buildout]
            parts = conf
            [conf]
            recipe = slapos.cookbook:slapconfiguration
            configuration.name = world
            configuration.color = blue
            """);
        var environment = BuildoutRunner.Environment(_dir.Path, partition);
        var evaluated = await new BuildoutEngine(Recipes).LoadAsync(profile, environment, null, CancellationToken.None);

        Assert.Equal("alice", evaluated.Get("conf", "configuration.name"));
        Assert.Equal("blue", evaluated.Get("conf", "configuration.color"));
        Assert.Null(evaluated.Get("conf", "configuration.bad key"));
        Assert.Equal("10.0.0.3", evaluated.Get("conf", "ipv4-random"));
        Assert.Equal("2001:db8::3", evaluated.Get("conf", "ipv6-random"));
        Assert.Equal("10.0.0.3", evaluated.Get("conf", "ipv4"));
        Assert.Equal("COMP-7", evaluated.Get("conf", "computer"));
        Assert.Equal("slappart3", evaluated.Get("conf", "partition"));
        Assert.Equal("root", evaluated.Get("conf", "root-instance-title"));
        Assert.Equal("child", evaluated.Get("conf", "instance-title"));
        Assert.Equal("started", evaluated.Get("conf", "instance-state"));
        Assert.Equal("slaptap3", evaluated.Get("conf", "tap"));
        using var shared = JsonDocument.Parse(evaluated.Get("conf", "slave-instance-list")!);
        Assert.Equal("SLAVE-1", shared.RootElement[0].GetProperty("slave_reference").GetString());
        Assert.Equal("a.example", shared.RootElement[0].GetProperty("domain").GetString());
    }

    [Fact]
    public async Task Slapconfiguration_serialised_unpacks_the_json_parameter()
    {
        var partition = Partition(new Dictionary<string, string> { ["_"] = """{"name":"bob","size":3}""" });
        var profile = _dir.Write("buildout.cfg", "[buildout]\n[conf]\nrecipe = slapos.cookbook:slapconfiguration.serialised\n");
        var evaluated = await new BuildoutEngine(Recipes).OpenAsync(profile, BuildoutRunner.Environment(_dir.Path, partition), null, CancellationToken.None);

        Assert.Equal("bob", evaluated.Get("conf", "configuration.name"));
        Assert.Equal("3", evaluated.Get("conf", "configuration.size"));
    }

    [Fact]
    public async Task Slapconfiguration_outside_a_partition_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<BuildoutException>(() => RunAsync("[buildout]\nparts = conf\n[conf]\nrecipe = slapconfiguration\n"));

        Assert.Contains("[conf]", error.Message, StringComparison.Ordinal);
        Assert.Contains("partition", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_collects_connection_parameters_and_shared_ones()
    {
        var environment = await RunAsync("""
            [buildout]
            parts = publish publish-shared
            [conf]
            recipe = slapconfiguration
            [publish]
            recipe = slapos.cookbook:publish
            url = http://${conf:ipv4-random}:8080/
            [publish-shared]
            recipe = publish
            -slave-reference = SLAVE-1
            site = https://a.example/
            """, Partition());

        Assert.Equal("http://10.0.0.3:8080/", environment.ConnectionParameters["url"]);
        Assert.Single(environment.ConnectionParameters);
        Assert.Equal("https://a.example/", environment.SharedConnectionParameters["SLAVE-1"]["site"]);
        Assert.Single(environment.SharedConnectionParameters["SLAVE-1"]);
    }

    [Fact]
    public async Task Download_copies_a_checked_file_to_its_target()
    {
        var source = _dir.Write("src/data.txt", "payload");
        var md5 = Md5("payload");
        await RunAsync($"[buildout]\nparts = get show\n[get]\nrecipe = download\nurl = file://{source}\nmd5sum = {md5}\n[show]\nrecipe = command\ncommand = cp ${{get:target}} copy.txt\n");

        Assert.Equal("payload", await File.ReadAllTextAsync(Path.Combine(_dir.Path, "parts", "get", "data.txt")));
        Assert.Equal("payload", await File.ReadAllTextAsync(Path.Combine(_dir.Path, "copy.txt")));

        await RunAsync("[buildout]\nparts =\n");
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "parts", "get")));
    }

    [Fact]
    public async Task Cmmi_configures_makes_and_installs_into_the_prefix()
    {
        var source = Path.Combine(_dir.Path, "hello-1.0");
        _dir.Write("hello-1.0/configure", "#!/bin/sh\nfor a in \"$@\"; do case $a in --prefix=*) echo \"PREFIX=${a#--prefix=}\" > config.mk;; esac; done\necho \"FLAVOR=$FLAVOR\" >> config.mk\n");
        File.SetUnixFileMode(Path.Combine(source, "configure"), (UnixFileMode)0b111_101_101);
        _dir.Write("hello-1.0/Makefile", "include config.mk\nall:\n\techo built > hello.txt\ninstall:\n\tmkdir -p $(PREFIX)/share\n\tcp hello.txt $(PREFIX)/share/hello.txt\n\techo $(FLAVOR) > $(PREFIX)/share/flavor.txt\n");
        var archive = Path.Combine(_dir.Path, "hello-1.0.tar.gz");
        using (var tar = Process.Start(new ProcessStartInfo("tar", ["-czf", archive, "-C", _dir.Path, "hello-1.0"]) { UseShellExecute = false })!)
        {
            await tar.WaitForExitAsync();
            Assert.Equal(0, tar.ExitCode);
        }

        Directory.Delete(source, recursive: true);
        await RunAsync($"[buildout]\nparts = hello\n[hello]\nrecipe = slapos.recipe.cmmi\nurl = {archive}\nenvironment = FLAVOR=vanilla\n");

        var prefix = Path.Combine(_dir.Path, "parts", "hello");
        Assert.Equal("built", (await File.ReadAllTextAsync(Path.Combine(prefix, "share", "hello.txt"))).Trim());
        Assert.Equal("vanilla", (await File.ReadAllTextAsync(Path.Combine(prefix, "share", "flavor.txt"))).Trim());
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "parts", "hello__compile__")));
    }

    [Fact]
    public async Task Cmmi_failure_names_the_step_and_the_part()
    {
        _dir.Write("broken/configure", "#!/bin/sh\nexit 1\n");
        File.SetUnixFileMode(Path.Combine(_dir.Path, "broken", "configure"), (UnixFileMode)0b111_101_101);

        var error = await Assert.ThrowsAsync<BuildoutException>(() => RunAsync($"[buildout]\nparts = b\n[b]\nrecipe = cmmi\npath = {Path.Combine(_dir.Path, "broken")}\n"));

        Assert.Contains("configure", error.Message, StringComparison.Ordinal);
        Assert.Contains("[b]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrapper_output_runs()
    {
        await RunAsync("[buildout]\nparts = w\n[w]\nrecipe = wrapper\ncommand-line = echo ok\nwrapper-path = ${buildout:directory}/bin/ok\n");

        var (exit, output) = await ExecuteAsync(Path.Combine(_dir.Path, "bin", "ok"));
        Assert.Equal(0, exit);
        Assert.Equal("ok", output.Trim());
    }
}
