using System.Security.Cryptography;
using SlapOS.Providers.Buildout;
using SlapOS.Providers.ZcBuildout;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>
/// One instance profile using every recipe with its options, deployed by the native engine and
/// by zc.buildout into the same partition path: the same files, modes and connection parameters.
/// </summary>
public sealed class ZcBuildoutRecipeParityTests : IDisposable
{
    private static readonly string[] Produced =
    [
        "bin/w", "etc/t.conf", "parts/dl/data.bin", "made", "srv", "srv/data", "parts/cmmi/share/x", "etc/plain",
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "slapos-zc-parity-" + Guid.NewGuid().ToString("N"));

    public ZcBuildoutRecipeParityTests()
    {
        ZcBuildoutPrerequisites.Require();
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => BuildoutRun.DeleteTree(_root);

    private string WriteRelease()
    {
        var release = Path.Combine(_root, "release");
        var source = Path.Combine(release, "src");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(release, "data.bin"), "payload-0815\n");
        File.WriteAllText(Path.Combine(release, "t.in"), "computer={{ slap_connection.computer_id }}\nname={{ slap_configuration[\"configuration.name\"] | json }}\nport={{ slap_configuration.configuration_port }}\nmissing=[{{ nothing.here }}]\n");
        File.WriteAllText(Path.Combine(source, "configure"), "#!/bin/sh\nprefix=${1#--prefix=}\nprintf 'all:\\n\\ttrue\\ninstall:\\n\\tmkdir -p %s/share && echo built-by-make > %s/share/x\\n' \"$prefix\" \"$prefix\" > Makefile\n");
        File.SetUnixFileMode(Path.Combine(source, "configure"), (UnixFileMode)0b111_101_101);
#pragma warning disable CA5351 // buildout's md5sum option.
        var md5 = Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(Path.Combine(release, "data.bin"))));
#pragma warning restore CA5351
        File.WriteAllText(Path.Combine(release, "software.cfg"), "[buildout]\nparts =\n");
        File.WriteAllText(Path.Combine(release, "instance.cfg"), $$"""
            [buildout]
            parts = dirs wrapper tpl plain dl cmd cmmi publish

            [slap-configuration]
            recipe = slapos.cookbook:slapconfiguration
            configuration.port = 8080

            [dirs]
            recipe = mkdirectory
            data = ${buildout:directory}/srv/data
            mode = 0750

            [wrapper]
            recipe = slapos.cookbook:wrapper
            command-line =
              /bin/echo a 'b c'
              ${slap-configuration:configuration.name}
            wrapper-path = ${buildout:directory}/bin/w
            environment =
              A=1
              B=two words 'quoted'
            parameters-extra = true

            [tpl]
            recipe = slapos.recipe.template
            url = {{release}}/t.in
            output = ${buildout:directory}/etc/t.conf
            mode = 0600

            [plain]
            recipe = template
            inline = no liquid here: ${slap-configuration:ipv4-random}
            output = ${buildout:directory}/etc/plain

            [dl]
            recipe = slapos.recipe.build:download
            url = {{release}}/data.bin
            md5sum = {{md5}}

            [cmd]
            recipe = plone.recipe.command
            command = echo made-by-command > ${buildout:directory}/made
            location = ${buildout:directory}/made
            stop-on-error = true

            [cmmi]
            recipe = slapos.recipe.cmmi
            path = {{source}}

            [publish]
            recipe = publish
            name = ${slap-configuration:configuration.name}
            location = ${cmmi:location}
            target = ${dl:target}
            """.ReplaceLineEndings("\n"));
        return Path.Combine(release, "software.cfg");
    }

    private async Task<(InstanceDeploymentResult Result, Dictionary<string, string> Files)> DeployAsync(ISoftwareInstaller installer, string softwareRoot)
    {
        var build = new SoftwareBuild(Path.Combine(_root, "release", "software.cfg"), Path.Combine(_root, softwareRoot));
        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        var deployment = new InstanceDeployment
        {
            Instance = new PartitionInstance
            {
                ComputerReference = "COMP-9",
                PartitionReference = "slappart3",
                SoftwareReleaseUrl = build.SoftwareReleaseUrl,
                RequestedState = RequestedState.Started,
                Parameters = new Dictionary<string, string> { ["name"] = "it's \"me\" & <you>" },
                Addresses = [new PartitionAddress("10.0.0.3", "255.255.255.255", "tap3")],
            },
            PartitionPath = Path.Combine(_root, "srv", "slappart3"),
            SoftwarePath = build.InstallDirectory,
            MasterUrl = "http://127.0.0.1:19994/",
        };
        var result = await installer.DeployInstanceAsync(deployment, CancellationToken.None);
        // A second run (nothing changed) keeps everything and publishes again.
        var again = await installer.DeployInstanceAsync(deployment, CancellationToken.None);
        Assert.Equal(result.ConnectionParameters, again.ConnectionParameters);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Produced)
        {
            var full = Path.Combine(deployment.PartitionPath, path);
            files[path] = (Directory.Exists(full) ? "<dir>" : File.Exists(full) ? await File.ReadAllTextAsync(full) : "<missing>") + " mode=" + (Path.Exists(full) ? File.GetUnixFileMode(full).ToString() : "-");
        }

        return (result, files);
    }

    [Fact]
    public async Task Every_recipe_produces_the_same_files_and_parameters_with_both_installers()
    {
        WriteRelease();
        var (native, nativeFiles) = await DeployAsync(NativeBuildoutInstaller.WithBuiltInRecipes(), "soft-native");
        Directory.Delete(Path.Combine(_root, "srv"), recursive: true);

        var (zc, zcFiles) = await DeployAsync(new ZcBuildoutInstaller(new ZcBuildoutOptions()), "soft-zc");

        Assert.Equal("it's \"me\" & <you>", zc.ConnectionParameters["name"]);
        Assert.Equal(native.ConnectionParameters, zc.ConnectionParameters);
        Assert.All(nativeFiles.Values, v => Assert.DoesNotContain("<missing>", v, StringComparison.Ordinal));
        foreach (var path in Produced)
        {
            Assert.Equal(nativeFiles[path], zcFiles[path]);
        }
    }
}
