using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SlapOS.Slave.Identity;
using SlapOS.Slave.Instances;

namespace SlapOS.Slave.Tests.Identity;

/// <summary>
/// A node killed at each step of writing a certificate and its key: the test leaves on disk exactly what
/// that step leaves (temporaries written or half-written, the key renamed but not the certificate), starts
/// again, and checks that only a whole matching pair — the old or the new — is ever in place.
/// </summary>
public sealed class CertificateKeyFilesCrashTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-pair-").FullName;
    private readonly CertificatePair _old = NewPair("SOFTINST-1");
    private readonly CertificatePair _new = NewPair("SOFTINST-1");

    private string Certificate => Path.Combine(_directory, "etc", "ssl", "partition.crt");

    private string Key => Path.Combine(_directory, "etc", "ssl", "partition.key");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, bool> Steps() => new()
    {
        // step the process was killed after, whether the new pair must be in place after recovery
        { "nothing written", false },
        { "key temporary half-written", false },
        { "key temporary written", false },
        { "certificate temporary half-written", false },
        { "both temporaries written", true },
        { "key renamed", true },
        { "certificate renamed", true },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void A_write_killed_at_any_step_leaves_a_whole_matching_pair_after_recovery(string step, bool newInPlace)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Certificate)!);
        File.WriteAllText(Certificate, _old.CertificatePem);
        File.WriteAllText(Key, _old.KeyPem);
        var pendingKey = Key + CertificateKeyFiles.PendingSuffix;
        var pendingCertificate = Certificate + CertificateKeyFiles.PendingSuffix;
        switch (step)
        {
            case "key temporary half-written":
                File.WriteAllText(pendingKey, _new.KeyPem[..(_new.KeyPem.Length / 2)]);
                break;
            case "key temporary written":
                File.WriteAllText(pendingKey, _new.KeyPem);
                break;
            case "certificate temporary half-written":
                File.WriteAllText(pendingKey, _new.KeyPem);
                File.WriteAllText(pendingCertificate, _new.CertificatePem[..(_new.CertificatePem.Length / 2)]);
                break;
            case "both temporaries written":
                File.WriteAllText(pendingKey, _new.KeyPem);
                File.WriteAllText(pendingCertificate, _new.CertificatePem);
                break;
            case "key renamed":
                File.WriteAllText(Key, _new.KeyPem);
                File.WriteAllText(pendingCertificate, _new.CertificatePem);
                break;
            case "certificate renamed":
                File.WriteAllText(Key, _new.KeyPem);
                File.WriteAllText(Certificate, _new.CertificatePem);
                break;
        }

        var recovered = CertificateKeyFiles.Recover(Certificate, Key);

        Assert.Equal(step is "nothing written" or "certificate renamed", recovered is null);
        Assert.False(File.Exists(pendingKey));
        Assert.False(File.Exists(pendingCertificate));
        Assert.True(CertificateKeyFiles.MatchOnDisk(Certificate, Key));
        Assert.Equal((newInPlace ? _new : _old).CertificatePem, File.ReadAllText(Certificate));
    }

    [Fact]
    public void The_step_key_renamed_is_not_a_matching_pair_before_recovery()
    {
        // Proves the simulated fault is real: without recovery the node would present a certificate with another key.
        Directory.CreateDirectory(Path.GetDirectoryName(Certificate)!);
        File.WriteAllText(Certificate, _old.CertificatePem);
        File.WriteAllText(Key, _new.KeyPem);

        Assert.False(CertificateKeyFiles.MatchOnDisk(Certificate, Key));
        Assert.False(PartitionCertificateFiles.AreCurrent(_directory, "SOFTINST-1", DateTimeOffset.UtcNow));
    }

    [Fact]
    public void AreCurrent_recovers_an_interrupted_write_then_accepts_the_pair()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Certificate)!);
        File.WriteAllText(Certificate, _old.CertificatePem);
        File.WriteAllText(Key, _new.KeyPem);
        File.WriteAllText(Certificate + CertificateKeyFiles.PendingSuffix, _new.CertificatePem);

        Assert.True(PartitionCertificateFiles.AreCurrent(_directory, "SOFTINST-1", DateTimeOffset.UtcNow));
        Assert.Equal(_new.CertificatePem, File.ReadAllText(Certificate));
    }

    [Fact]
    public void AreCurrent_refuses_a_certificate_whose_key_is_another()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Certificate)!);
        File.WriteAllText(Certificate, _old.CertificatePem);
        File.WriteAllText(Key, _new.KeyPem);

        Assert.False(PartitionCertificateFiles.AreCurrent(_directory, "SOFTINST-1", DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_pair_whose_key_is_not_the_certificates_is_never_written()
    {
        var mixed = new CertificatePair(_old.CertificatePem, _new.KeyPem);

        await Assert.ThrowsAsync<IOException>(() => PartitionCertificateFiles.WriteAsync(_directory, mixed, null, null, CancellationToken.None));

        Assert.False(File.Exists(Certificate));
        Assert.False(File.Exists(Key));
    }

    [Fact]
    public async Task A_written_pair_is_current_with_no_temporary_left()
    {
        await PartitionCertificateFiles.WriteAsync(_directory, _new, null, null, CancellationToken.None);

        Assert.True(PartitionCertificateFiles.AreCurrent(_directory, "SOFTINST-1", DateTimeOffset.UtcNow));
        Assert.Equal(["partition.crt", "partition.key"], Directory.GetFiles(Path.GetDirectoryName(Certificate)!).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task The_computer_certificate_renewal_finishes_a_renewal_killed_between_its_renames()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Certificate)!);
        File.WriteAllText(Certificate, _old.CertificatePem);
        File.WriteAllText(Key, _new.KeyPem);
        File.WriteAllText(Certificate + CertificateKeyFiles.PendingSuffix, _new.CertificatePem);
        var renewal = new ComputerCertificateRenewal(
            NSubstitute.Substitute.For<ISlapMasterClient>(),
            new SlapOS.Slave.Agent.NodeLayout(Microsoft.Extensions.Options.Options.Create(new SlapOSSlaveOptions { ComputerReference = "COMP-1", MasterUrl = "http://127.0.0.1:1" })),
            Microsoft.Extensions.Options.Options.Create(new SlapMasterClientOptions { CertificateFile = Certificate, KeyFile = Key, RenewalWindow = TimeSpan.FromDays(1) }),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ComputerCertificateRenewal>.Instance);

        Assert.False(await renewal.RenewIfDueAsync(CancellationToken.None));

        Assert.True(CertificateKeyFiles.MatchOnDisk(Certificate, Key));
        Assert.Equal(_new.CertificatePem, File.ReadAllText(Certificate));
        Assert.False(File.Exists(Certificate + CertificateKeyFiles.PendingSuffix));
    }

    private static CertificatePair NewPair(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(90));
        return new CertificatePair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
