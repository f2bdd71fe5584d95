using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.X509;
using SlapOS.Providers.Identity;

namespace SlapOS.Providers.Tests.Identity;

public sealed class BouncyCastleCertificateAuthorityTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-ca-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private BouncyCastleCertificateAuthority NewAuthority() =>
        new(Options.Create(new BouncyCastleIdentityOptions { Directory = directory }), TimeProvider.System);

    [Fact]
    public async Task Issued_certificates_chain_to_the_ca_and_say_kind_and_reference()
    {
        using var authority = NewAuthority();

        var issued = await authority.IssueAsync(new SlapIdentity(IdentityKind.Computer, "COMP-1"), default);
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.PrivateKeyPem);
        using var root = X509Certificate2.CreateFromPem(await authority.GetCaCertificatePemAsync(default));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("CN=COMP-1, OU=computer, O=SlapOS", certificate.Subject);
        Assert.Equal(issued.SerialNumber, certificate.SerialNumber.TrimStart('0').ToLowerInvariant());
    }

    [Fact]
    public async Task Twelve_certificates_for_a_node_a_user_and_ten_partitions_have_unique_serials()
    {
        using var authority = NewAuthority();
        var subjects = new List<SlapIdentity> { new(IdentityKind.Computer, "COMP-1"), new(IdentityKind.Person, "alice") };
        subjects.AddRange(Enumerable.Range(0, 10).Select(i => new SlapIdentity(IdentityKind.Partition, $"SOFTINST-{i}")));

        var serials = new HashSet<string>();
        foreach (var subject in subjects)
        {
            serials.Add((await authority.IssueAsync(subject, default)).SerialNumber);
        }

        Assert.Equal(12, serials.Count);
    }

    [Fact]
    public async Task The_ca_key_is_private_to_its_owner_and_reloaded_across_restarts()
    {
        string firstCa;
        using (var authority = NewAuthority())
        {
            firstCa = await authority.GetCaCertificatePemAsync(default);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "ca.key")));
        using var restarted = NewAuthority();
        Assert.Equal(firstCa, await restarted.GetCaCertificatePemAsync(default));
    }

    [Fact]
    public async Task Revoked_serials_are_in_the_signed_revocation_list()
    {
        using var authority = NewAuthority();
        var revoked = await authority.IssueAsync(new SlapIdentity(IdentityKind.Partition, "SOFTINST-1"), default);
        var kept = await authority.IssueAsync(new SlapIdentity(IdentityKind.Partition, "SOFTINST-2"), default);

        await authority.RevokeAsync(revoked.SerialNumber, default);
        var crl = new X509CrlParser().ReadCrl(await authority.GetRevocationListAsync(default));
        var ca = new X509CertificateParser().ReadCertificate(System.Text.Encoding.ASCII.GetBytes(await authority.GetCaCertificatePemAsync(default)));

        crl.Verify(ca.GetPublicKey());
        var revokedCertificate = new X509CertificateParser().ReadCertificate(System.Text.Encoding.ASCII.GetBytes(revoked.CertificatePem));
        var keptCertificate = new X509CertificateParser().ReadCertificate(System.Text.Encoding.ASCII.GetBytes(kept.CertificatePem));
        Assert.True(crl.IsRevoked(revokedCertificate));
        Assert.False(crl.IsRevoked(keptCertificate));
    }

    [Theory]
    [InlineData("")]
    [InlineData("xyz")]
    [InlineData("../12")]
    public async Task Revoking_a_bad_serial_is_a_validation_error(string serial)
    {
        using var authority = NewAuthority();
        var error = await Assert.ThrowsAsync<SlapValidationException>(() => authority.RevokeAsync(serial, default));
        Assert.Equal("serial_number", error.Field);
    }

    [Fact]
    public async Task The_master_certificate_is_a_server_certificate_for_loopback()
    {
        using var authority = NewAuthority();
        var issued = await authority.IssueAsync(new SlapIdentity(IdentityKind.Master, "master.example"), default);
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);

        var usage = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal("1.3.6.1.5.5.7.3.1", usage.EnhancedKeyUsages[0].Value);
        Assert.Contains("127.0.0.1", certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().Select(a => a.ToString()));
    }
}
