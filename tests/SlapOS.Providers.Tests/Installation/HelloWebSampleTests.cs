using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>The sample release samples/software/hello-web, installed and deployed for real: its service answers and its promise passes.</summary>
public sealed class HelloWebSampleTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "slapos-hello-web-" + Guid.NewGuid().ToString("N"));

    public HelloWebSampleTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    internal static string SampleRelease()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "software", "hello-web", "software.cfg");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/software/hello-web/software.cfg not found above " + AppContext.BaseDirectory);
    }

    internal static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<int> RunAsync(string executable)
    {
        using var process = Process.Start(new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    [Fact]
    public async Task Hello_web_serves_hello_name_and_its_promise_passes()
    {
        var installer = NativeBuildoutInstaller.WithBuiltInRecipes();
        var build = new SoftwareBuild(SampleRelease(), Path.Combine(_root, "soft"));
        await installer.InstallSoftwareAsync(build, CancellationToken.None);
        var port = FreePort();
        var deployment = new InstanceDeployment
        {
            Instance = new PartitionInstance
            {
                ComputerReference = "COMP-1",
                PartitionReference = "slappart0",
                SoftwareReleaseUrl = build.SoftwareReleaseUrl,
                RequestedState = RequestedState.Started,
                Parameters = new Dictionary<string, string> { ["name"] = "tester \"quoted\"", ["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Addresses = [new PartitionAddress("127.0.0.1", "255.0.0.0", "lo")],
            },
            PartitionPath = Path.Combine(_root, "srv", "slappart0"),
            SoftwarePath = build.InstallDirectory,
            MasterUrl = "http://127.0.0.1:19997/",
        };

        var result = await installer.DeployInstanceAsync(deployment, CancellationToken.None);

        Assert.Equal($"http://127.0.0.1:{port}/", result.ConnectionParameters["url"]);
        var promise = Path.Combine(deployment.PartitionPath, "etc", "promise", "hello-web");
        Assert.NotEqual(0, await RunAsync(promise));

        using var service = Process.Start(new ProcessStartInfo(Path.Combine(deployment.PartitionPath, "etc", "service", "hello-web")) { UseShellExecute = false })!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? body = null;
            for (var attempt = 0; attempt < 100 && body is null; attempt++)
            {
                try
                {
                    body = await http.GetStringAsync(new Uri(result.ConnectionParameters["url"]));
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.Equal("Hello tester \"quoted\"\n", body);
            Assert.Equal(0, await RunAsync(promise));
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }
    }
}
