using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using SlapOS.Wire;

namespace SlapOS.Slave.Tests.Hostile;

/// <summary>
/// A node wired by <c>AddSlapOSSlave</c> with the real XML master client against a <see cref="LoopbackMaster"/>
/// that serves <see cref="Software"/> and <see cref="Partitions"/>; installer, supervisor and formatter are fakes.
/// Its roots live in a sandbox directory, so "outside the roots" is checkable.
/// </summary>
internal sealed class HostileXmlNode : IDisposable
{
    public const string Computer = "COMP-HOSTILE";
    public const string ReleaseUrl = "https://example.invalid/honest/software.cfg";

    public HostileXmlNode()
    {
        Sandbox = Path.Combine(Path.GetTempPath(), "slapos-hostile-" + Guid.NewGuid().ToString("N"));
        InstanceRoot = Path.Combine(Sandbox, "srv");
        SoftwareRoot = Path.Combine(Sandbox, "opt");
        Directory.CreateDirectory(InstanceRoot);
        Directory.CreateDirectory(SoftwareRoot);
        Installer.DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>()).Returns(InstanceDeploymentResult.Empty);
        Supervisor.GetStatusAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(Array.Empty<ProgramStatus>());
        Installer.InstallSoftwareAsync(Arg.Any<SoftwareBuild>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var build = call.Arg<SoftwareBuild>();
            Directory.CreateDirectory(build.InstallDirectory);
            File.WriteAllText(build.CompletedMarker, string.Empty);
            return Task.CompletedTask;
        });
    }

    /// <summary>Installs the honest release and formats the honest partition, so it can deploy.</summary>
    public void PrepareHonestPartition(string partition)
    {
        var honest = new SoftwareBuild(ReleaseUrl, SoftwareRoot);
        Directory.CreateDirectory(honest.InstallDirectory);
        File.WriteAllText(honest.CompletedMarker, string.Empty);
        Directory.CreateDirectory(Path.Combine(InstanceRoot, partition));
    }

    public string Sandbox { get; }

    public string InstanceRoot { get; }

    public string SoftwareRoot { get; }

    public ISoftwareInstaller Installer { get; } = Substitute.For<ISoftwareInstaller>();

    public IProcessSupervisor Supervisor { get; } = Substitute.For<IProcessSupervisor>();

    public IPartitionFormatter Formatter { get; } = Substitute.For<IPartitionFormatter>();

    public IAccountingSink Sink { get; } = Substitute.For<IAccountingSink>();

    public List<SoftwareInstallation> Software { get; } = [];

    public List<PartitionInstance> Partitions { get; } = [];

    public static PartitionInstance Instance(string partition) => new()
    {
        ComputerReference = Computer,
        PartitionReference = partition,
        InstanceReference = "SOFTINST-" + Guid.NewGuid().ToString("N")[..8],
        Title = "instance",
        SoftwareReleaseUrl = ReleaseUrl,
        RequestedState = RequestedState.Started,
        Timestamp = new InstanceTimestamp(1_700_000_000_000_000),
    };

    /// <summary>What the hostile master answers: the computer document, an empty certificate pair (no CA), "OK" to every report.</summary>
    public LoopbackAnswer Answer(LoopbackRequest request) => request.Endpoint switch
    {
        "getFullComputerInformation" => LoopbackAnswer.Text(SlapMarshal.Write(SlapWireObjects.ToComputer(new ComputerDocument(Computer, Software, Partitions))), "text/xml"),
        "getComputerPartitionCertificate" => LoopbackAnswer.Text(SlapMarshal.Write(new Dictionary<string, object?> { ["certificate"] = string.Empty, ["key"] = string.Empty }), "text/xml"),
        _ => LoopbackAnswer.Text("OK"),
    };

    public ServiceProvider Build(string masterUrl)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = Computer,
            ["SlapOS:Slave:MasterUrl"] = masterUrl,
            ["SlapOS:Slave:InstanceRoot"] = InstanceRoot,
            ["SlapOS:Slave:SoftwareRoot"] = SoftwareRoot,
            ["SlapOS:Slave:RunDaemon"] = "false",
            ["SlapOS:Slave:MasterClient:MaxRetries"] = "1",
        }).Build());
        services.AddLogging();
        services.AddSingleton(Installer);
        services.AddSingleton(Supervisor);
        services.AddSingleton(Formatter);
        services.AddSingleton(Sink);
        services.AddSlapOSSlave(s => s.UseXmlMasterClient());
        return services.BuildServiceProvider();
    }

    /// <summary>Nothing was created in the sandbox but the two roots, and nothing escaped the sandbox's parent.</summary>
    public void AssertNothingOutsideRoots()
    {
        var entries = Directory.GetFileSystemEntries(Sandbox).Select(e => Path.GetFileName(e)!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new List<string> { "opt", "srv" }, entries);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "escaped")));
        Assert.False(Directory.Exists("/tmp/slapos-hostile-absolute"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Sandbox, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
