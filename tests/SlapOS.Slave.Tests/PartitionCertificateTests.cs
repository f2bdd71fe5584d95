using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NSubstitute;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Instances;

namespace SlapOS.Slave.Tests;

public sealed class PartitionCertificateTests : IDisposable
{
    private readonly NodeFixture _node = new();

    public PartitionCertificateTests() => _node.MarkInstalled();

    public void Dispose() => _node.Dispose();

    private static CertificatePair SelfSigned(string reference, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"O=SlapOS, OU=partition, CN={reference}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), notAfter);
        return new CertificatePair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string Owner(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true })!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return owner;
    }

    [Fact]
    public async Task The_node_writes_the_partition_pair_0400_and_passes_it_to_the_deployment()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(2000));
        var pair = SelfSigned("SOFTINST-slappart0", DateTimeOffset.UtcNow.AddYears(1));
        _node.Master.GetPartitionCertificateAsync(NodeFixture.Computer, "slappart0", Arg.Any<CancellationToken>()).Returns(pair);

        Assert.Equal(NodeExitCode.Ok, (await _node.Agent.InstanceAsync()).ExitCode);

        var partition = _node.PartitionPath("slappart0");
        var key = PartitionCertificateFiles.KeyPath(partition);
        var certificate = PartitionCertificateFiles.CertificatePath(partition);
        Assert.Equal(pair.KeyPem, await File.ReadAllTextAsync(key));
        Assert.Equal(pair.CertificatePem, await File.ReadAllTextAsync(certificate));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(key));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(certificate));
        await _node.Installer.Received(1).DeployInstanceAsync(
            Arg.Is<InstanceDeployment>(d => d.KeyFile == key && d.CertificateFile == certificate),
            Arg.Any<CancellationToken>());

        // Still valid and for the same instance: not fetched again on the next deployment.
        _node.AddInstance("slappart0", NodeFixture.Timestamp(3000));
        Assert.Equal(NodeExitCode.Ok, (await _node.Agent.InstanceAsync()).ExitCode);
        await _node.Master.Received(1).GetPartitionCertificateAsync(NodeFixture.Computer, "slappart0", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_master_without_certificate_authority_leaves_no_files_and_no_key_file()
    {
        _node.AddInstance("slappart0", NodeFixture.Timestamp(2000));
        _node.Master.GetPartitionCertificateAsync(NodeFixture.Computer, "slappart0", Arg.Any<CancellationToken>()).Returns((CertificatePair?)null);

        Assert.Equal(NodeExitCode.Ok, (await _node.Agent.InstanceAsync()).ExitCode);

        Assert.False(File.Exists(PartitionCertificateFiles.KeyPath(_node.PartitionPath("slappart0"))));
        await _node.Installer.Received(1).DeployInstanceAsync(Arg.Is<InstanceDeployment>(d => d.KeyFile == null && d.CertificateFile == null), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Files_belong_to_the_partition_user_when_the_node_runs_as_root()
    {
        var partition = Path.Combine(_node.Root, "owned");
        Directory.CreateDirectory(partition);

        // As root the files go to a real unprivileged user; otherwise they stay the node user's.
        var user = Environment.IsPrivilegedProcess ? "nobody" : null;
        await PartitionCertificateFiles.WriteAsync(partition, SelfSigned("SOFTINST-9", DateTimeOffset.UtcNow.AddYears(1)), "CA PEM", user, default);

        var expected = user ?? Environment.UserName;
        Assert.Equal(expected, Owner(PartitionCertificateFiles.KeyPath(partition)));
        Assert.Equal(expected, Owner(PartitionCertificateFiles.CertificatePath(partition)));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(PartitionCertificateFiles.KeyPath(partition)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(PartitionCertificateFiles.CaPath(partition)));
    }

    [Fact]
    public async Task A_certificate_for_another_instance_or_near_its_end_is_not_current()
    {
        var partition = Path.Combine(_node.Root, "current");
        Directory.CreateDirectory(partition);
        var now = DateTimeOffset.UtcNow;
        await PartitionCertificateFiles.WriteAsync(partition, SelfSigned("SOFTINST-1", now.AddDays(3)), null, null, default);

        Assert.False(PartitionCertificateFiles.AreCurrent(partition, "SOFTINST-2", now));
        Assert.False(PartitionCertificateFiles.AreCurrent(partition, "SOFTINST-1", now));
        Assert.True(PartitionCertificateFiles.AreCurrent(partition, "SOFTINST-1", now.AddDays(-30)));
    }
}
