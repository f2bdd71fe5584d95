using System.Diagnostics;
using SlapOS.Providers.Buildout;
using SlapOS.Providers.ZcBuildout;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>The sample release samples/software/hello-web with zc.buildout: the same files and connection parameters as the native engine, and a service that answers.</summary>
public sealed class ZcBuildoutHelloWebTests : IDisposable
{
    private static readonly string[] Produced = ["bin/hello-web", "etc/service/hello-web", "etc/promise/hello-web"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "slapos-zc-hello-web-" + Guid.NewGuid().ToString("N"));

    public ZcBuildoutHelloWebTests()
    {
        ZcBuildoutPrerequisites.Require();
        Directory.CreateDirectory(_root);
    }

    public void Dispose() => BuildoutRun.DeleteTree(_root);

    private InstanceDeployment Deployment(SoftwareBuild build, int port) => new()
    {
        Instance = new PartitionInstance
        {
            ComputerReference = "COMP-1",
            PartitionReference = "slappart0",
            SoftwareReleaseUrl = build.SoftwareReleaseUrl,
            RequestedState = RequestedState.Started,
            // Quotes, HTML-sensitive and non-ASCII characters: the json filter must escape them as the native one does.
            Parameters = new Dictionary<string, string> { ["name"] = "tester \"quoted\" <&> é", ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Addresses = [new PartitionAddress("127.0.0.1", "255.0.0.0", "lo")],
        },
        PartitionPath = Path.Combine(_root, "srv", "slappart0"),
        SoftwarePath = build.InstallDirectory,
        MasterUrl = "http://127.0.0.1:19995/",
    };

    private async Task<(InstanceDeploymentResult Result, Dictionary<string, string> Files)> DeployAsync(ISoftwareInstaller installer, string softwareRoot, int port)
    {
        var build = new SoftwareBuild(HelloWebSampleTests.SampleRelease(), Path.Combine(_root, softwareRoot));
        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        var deployment = Deployment(build, port);
        var result = await installer.DeployInstanceAsync(deployment, CancellationToken.None);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Produced)
        {
            var full = Path.Combine(deployment.PartitionPath, path);
            files[path] = await File.ReadAllTextAsync(full) + " mode=" + File.GetUnixFileMode(full);
        }

        return (result, files);
    }

    [Fact]
    public async Task Hello_web_deploys_with_zc_buildout_as_with_the_native_engine_and_serves()
    {
        var port = HelloWebSampleTests.FreePort();
        var (native, nativeFiles) = await DeployAsync(NativeBuildoutInstaller.WithBuiltInRecipes(), "soft-native", port);
        Directory.Delete(Path.Combine(_root, "srv"), recursive: true);

        var (zc, zcFiles) = await DeployAsync(new ZcBuildoutInstaller(new ZcBuildoutOptions()), "soft-zc", port);

        Assert.Equal($"http://127.0.0.1:{port}/", zc.ConnectionParameters["url"]);
        Assert.Equal(native.ConnectionParameters, zc.ConnectionParameters);
        foreach (var path in Produced)
        {
            Assert.Equal(nativeFiles[path], zcFiles[path]);
        }

        var partition = Path.Combine(_root, "srv", "slappart0");
        Assert.Contains("[slap-connection]", await File.ReadAllTextAsync(Path.Combine(partition, "buildout.cfg")), StringComparison.Ordinal);
        using var service = Process.Start(new ProcessStartInfo(Path.Combine(partition, "etc", "service", "hello-web")) { UseShellExecute = false })!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? body = null;
            await Eventually.UntilAsync(
                async () =>
                {
                    try
                    {
                        body = await http.GetStringAsync(new Uri(zc.ConnectionParameters["url"]));
                        return true;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                "hello-web answers");

            Assert.Equal("Hello tester \"quoted\" <&> é\n", body);
            using var promise = Process.Start(new ProcessStartInfo(Path.Combine(partition, "etc", "promise", "hello-web")) { UseShellExecute = false, RedirectStandardError = true })!;
            await promise.WaitForExitAsync();
            Assert.Equal(0, promise.ExitCode);
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }
}
