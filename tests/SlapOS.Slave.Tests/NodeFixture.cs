using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Instances;

namespace SlapOS.Slave.Tests;

/// <summary>
/// A node wired by <c>AddSlapOSSlave</c> over NSubstitute fakes of every provider and of the master
/// client, with real temp directories for the instance and software roots.
/// </summary>
internal sealed class NodeFixture : IDisposable
{
    public const string Computer = "COMP-TEST";
    public const string ReleaseUrl = "https://example.invalid/sample/software.cfg";

    public NodeFixture(IDictionary<string, string?>? settings = null, Action<ISlapOSSlaveBuilder>? configure = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "slapos-node-" + Guid.NewGuid().ToString("N"));
        InstanceRoot = Path.Combine(Root, "srv");
        SoftwareRoot = Path.Combine(Root, "opt");
        Directory.CreateDirectory(InstanceRoot);
        Directory.CreateDirectory(SoftwareRoot);

        var configuration = new Dictionary<string, string?>
        {
            ["SlapOS:Slave:ComputerReference"] = Computer,
            ["SlapOS:Slave:MasterUrl"] = "http://127.0.0.1:1",
            ["SlapOS:Slave:InstanceRoot"] = InstanceRoot,
            ["SlapOS:Slave:SoftwareRoot"] = SoftwareRoot,
            ["SlapOS:Slave:RunDaemon"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        Master.GetComputerDocumentAsync(Computer, Arg.Any<CancellationToken>())
            .Returns(_ => new ComputerDocument(Computer, Software, Partitions));
        Installer.DeployInstanceAsync(Arg.Any<InstanceDeployment>(), Arg.Any<CancellationToken>())
            .Returns(InstanceDeploymentResult.Empty);
        Supervisor.GetStatusAsync(Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(Array.Empty<ProgramStatus>());

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Master);
        services.AddSingleton(Installer);
        services.AddSingleton(Supervisor);
        services.AddSingleton(Formatter);
        services.AddSingleton(Sink);
        services.AddSlapOSSlave(configure);
        Services = services.BuildServiceProvider();
    }

    public string Root { get; }

    public string InstanceRoot { get; }

    public string SoftwareRoot { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public ISlapMasterClient Master { get; } = Substitute.For<ISlapMasterClient>();

    public ISoftwareInstaller Installer { get; } = Substitute.For<ISoftwareInstaller>();

    public IProcessSupervisor Supervisor { get; } = Substitute.For<IProcessSupervisor>();

    public IPartitionFormatter Formatter { get; } = Substitute.For<IPartitionFormatter>();

    public IAccountingSink Sink { get; } = Substitute.For<IAccountingSink>();

    public ServiceProvider Services { get; }

    public INodeAgent Agent => Services.GetRequiredService<INodeAgent>();

    /// <summary>The releases of the computer document the fake master serves.</summary>
    public List<SoftwareInstallation> Software { get; } = [];

    /// <summary>The partitions of the computer document the fake master serves.</summary>
    public List<PartitionInstance> Partitions { get; } = [];

    public static InstanceTimestamp Timestamp(long seconds) => new(seconds * 1_000_000);

    public static PartitionInstance Instance(string partition, InstanceTimestamp timestamp, RequestedState state = RequestedState.Started) => new()
    {
        ComputerReference = Computer,
        PartitionReference = partition,
        InstanceReference = "SOFTINST-" + partition,
        Title = "instance of " + partition,
        SoftwareReleaseUrl = ReleaseUrl,
        RequestedState = state,
        Timestamp = timestamp,
    };

    /// <summary>Adds a partition with an instance and creates its directory.</summary>
    public string AddInstance(string partition, InstanceTimestamp timestamp, RequestedState state = RequestedState.Started)
    {
        Partitions.Add(Instance(partition, timestamp, state));
        return CreatePartition(partition);
    }

    public string CreatePartition(string partition)
    {
        var path = PartitionPath(partition);
        Directory.CreateDirectory(path);
        return path;
    }

    public string PartitionPath(string partition) => Path.Combine(InstanceRoot, partition);

    public string SoftwarePath(string url = ReleaseUrl) => Path.Combine(SoftwareRoot, SoftwareRelease.ComputeInstallDirectoryName(url));

    /// <summary>Marks a release installed (its <c>.completed</c> marker).</summary>
    public void MarkInstalled(string url = ReleaseUrl)
    {
        Directory.CreateDirectory(SoftwarePath(url));
        File.WriteAllText(Path.Combine(SoftwarePath(url), ".completed"), "");
    }

    public void WriteTimestamp(string partition, InstanceTimestamp timestamp) =>
        PartitionTimestamp.Write(PartitionPath(partition), timestamp, Time.GetUtcNow());

    public string? ReadTimestampFile(string partition)
    {
        var file = Path.Combine(PartitionPath(partition), ".timestamp");
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }

    /// <summary>Writes an executable shell script under the partition (e.g. <c>etc/promise/check</c>).</summary>
    public string WriteScript(string partition, string relativePath, string body)
    {
        var file = Path.Combine(PartitionPath(partition), relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return file;
    }

    public void Dispose()
    {
        Services.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
