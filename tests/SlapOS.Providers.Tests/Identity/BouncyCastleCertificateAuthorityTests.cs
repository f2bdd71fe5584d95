using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.X509;
using SlapOS.Providers.Identity;
using SlapOS.Providers.Storage.Sqlite;

namespace SlapOS.Providers.Tests.Identity;

public sealed class BouncyCastleCertificateAuthorityTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-ca-").FullName;
    private SqliteMasterStore store = null!;

    public async Task InitializeAsync()
    {
        store = SqliteMasterStore.Open(Path.Combine(directory, "master.db"), TimeProvider.System);
        await store.MigrateAsync(default);
    }

    public async Task DisposeAsync()
    {
        await store.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private string CaDirectory => Path.Combine(directory, "ca");

    private BouncyCastleCertificateAuthority NewAuthority() =>
        new(Options.Create(new BouncyCastleIdentityOptions { Directory = CaDirectory }), store, TimeProvider.System, NullLogger<BouncyCastleCertificateAuthority>.Instance);

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

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(CaDirectory, "ca.key")));
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

    [Fact]
    public async Task A_drawn_serial_already_in_the_registry_is_drawn_again()
    {
        using var authority = NewAuthority();
        var draws = new Queue<Org.BouncyCastle.Math.BigInteger>([new("5"), new("5"), new("7")]);
        authority.NextSerial = draws.Dequeue;

        var first = await authority.IssueAsync(new SlapIdentity(IdentityKind.Computer, "COMP-1"), default);
        var second = await authority.IssueAsync(new SlapIdentity(IdentityKind.Computer, "COMP-2"), default);

        Assert.Equal("5", first.SerialNumber);
        Assert.Equal("7", second.SerialNumber);
        Assert.Empty(draws);
        Assert.Equal("COMP-2", (await store.GetCertificateAsync("7", default))!.Subject.Reference);
    }

    [Fact]
    public async Task Issued_certificates_are_in_the_registry_with_their_validity()
    {
        using var authority = NewAuthority();
        var issued = await authority.IssueAsync(new SlapIdentity(IdentityKind.Person, "alice", IsAdmin: true), default);
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);

        var record = await store.GetCertificateAsync(issued.SerialNumber, default);

        Assert.NotNull(record);
        Assert.Equal(new SlapIdentity(IdentityKind.Person, "alice", IsAdmin: true), record.Subject);
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), record.NotAfter);
        Assert.Null(record.RevokedAt);
        Assert.True(new Org.BouncyCastle.Math.BigInteger(certificate.SerialNumber, 16).SignValue > 0);
    }

    [Fact]
    public async Task A_revocation_made_by_one_authority_is_seen_by_another_within_its_refresh_interval()
    {
        using var first = NewAuthority();
        using var second = new BouncyCastleCertificateAuthority(
            Options.Create(new BouncyCastleIdentityOptions { Directory = CaDirectory, RevocationRefreshInterval = TimeSpan.FromMilliseconds(200) }),
            store, TimeProvider.System, NullLogger<BouncyCastleCertificateAuthority>.Instance);
        var issued = await first.IssueAsync(new SlapIdentity(IdentityKind.Computer, "COMP-1"), default);
        Assert.False(await second.IsRevokedAsync(issued.SerialNumber, default));

        await first.RevokeAsync(issued.SerialNumber, default);

        Assert.True(await first.IsRevokedAsync(issued.SerialNumber, default));
        await Task.Delay(TimeSpan.FromMilliseconds(250));
        Assert.True(await second.IsRevokedAsync("00" + issued.SerialNumber.ToUpperInvariant(), default));
    }

    [Fact]
    public async Task Revoking_a_serial_never_issued_is_not_found()
    {
        using var authority = NewAuthority();

        var error = await Assert.ThrowsAsync<SlapException>(() => authority.RevokeAsync("abc123", default));

        Assert.Equal(SlapErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task A_crl_with_serial_zero_verifies_with_openssl()
    {
        using var authority = NewAuthority();
        var issued = await authority.IssueAsync(new SlapIdentity(IdentityKind.Partition, "SOFTINST-1"), default);
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.TryAddCertificateAsync(new CertificateRecord("0", new SlapIdentity(IdentityKind.Computer, "LEGACY"), now.AddDays(-1), now.AddDays(30), now), default));

        await authority.RevokeAsync("00", default);
        await authority.RevokeAsync(issued.SerialNumber, default);
        var ca = Path.Combine(directory, "ca.pem");
        var crl = Path.Combine(directory, "crl.der");
        await File.WriteAllTextAsync(ca, await authority.GetCaCertificatePemAsync(default));
        await File.WriteAllBytesAsync(crl, await authority.GetRevocationListAsync(default));

        var (exit, output) = await OpenSsl("crl", "-inform", "DER", "-in", crl, "-CAfile", ca, "-noout", "-verify", "-text");

        Assert.True(exit == 0, output);
        Assert.Contains("verify OK", output, StringComparison.Ordinal);
        Assert.Contains("Serial Number: 00", output, StringComparison.Ordinal);
        Assert.Contains(issued.SerialNumber.ToUpperInvariant().PadLeft(issued.SerialNumber.Length + (issued.SerialNumber.Length % 2), '0'), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_crl_fails_openssl_verification_against_another_ca()
    {
        // Proves the openssl check above can fail.
        using var authority = NewAuthority();
        var other = Path.Combine(directory, "other");
        using var stranger = new BouncyCastleCertificateAuthority(Options.Create(new BouncyCastleIdentityOptions { Directory = other }), store, TimeProvider.System, NullLogger<BouncyCastleCertificateAuthority>.Instance);
        var crl = Path.Combine(directory, "crl.der");
        await File.WriteAllBytesAsync(crl, await authority.GetRevocationListAsync(default));
        var strangerCa = Path.Combine(directory, "stranger.pem");
        await File.WriteAllTextAsync(strangerCa, await stranger.GetCaCertificatePemAsync(default));

        var (exit, output) = await OpenSsl("crl", "-inform", "DER", "-in", crl, "-CAfile", strangerCa, "-noout", "-verify");

        Assert.False(exit == 0 && output.Contains("verify OK", StringComparison.Ordinal), output);
    }

    [Theory]
    [InlineData("key-only")]
    [InlineData("certificate-only")]
    [InlineData("temporary-directory")]
    public async Task A_ca_creation_interrupted_by_a_crash_does_not_block_the_next_start(string leftover)
    {
        // The states a crash can leave: the old writer's partial ca.key, a certificate renamed in without its key,
        // or the temporary directory of an unfinished creation.
        Directory.CreateDirectory(CaDirectory);
        switch (leftover)
        {
            case "key-only":
                await File.WriteAllTextAsync(Path.Combine(CaDirectory, "ca.key"), "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49");
                break;
            case "certificate-only":
                using (var elsewhere = new BouncyCastleCertificateAuthority(Options.Create(new BouncyCastleIdentityOptions { Directory = Path.Combine(directory, "elsewhere") }), store, TimeProvider.System, NullLogger<BouncyCastleCertificateAuthority>.Instance))
                {
                    await File.WriteAllTextAsync(Path.Combine(CaDirectory, "ca.crt"), await elsewhere.GetCaCertificatePemAsync(default));
                }

                break;
            default:
                var temporary = Directory.CreateDirectory(Path.Combine(CaDirectory, ".ca-new-0123"));
                await File.WriteAllTextAsync(Path.Combine(temporary.FullName, "ca.key"), "partial");
                break;
        }

        using var authority = NewAuthority();
        var issued = await authority.IssueAsync(new SlapIdentity(IdentityKind.Computer, "COMP-1"), default);

        using var root = X509Certificate2.CreateFromPem(await authority.GetCaCertificatePemAsync(default));
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate));
        Assert.Equal(["ca.crt", "ca.key", "ca.lock"], Directory.EnumerateFileSystemEntries(CaDirectory).Select(Path.GetFileName).Where(n => !n!.Contains(".partial-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(leftover == "temporary-directory" ? 0 : 1, Directory.EnumerateFiles(CaDirectory, "*.partial-*").Count());
    }

    [Fact]
    public async Task A_key_that_does_not_match_its_certificate_stops_the_start_with_a_clear_error()
    {
        using (var authority = NewAuthority())
        {
            await authority.GetCaCertificatePemAsync(default);
        }

        using (var other = new BouncyCastleCertificateAuthority(Options.Create(new BouncyCastleIdentityOptions { Directory = Path.Combine(directory, "other") }), store, TimeProvider.System, NullLogger<BouncyCastleCertificateAuthority>.Instance))
        {
            await other.GetCaCertificatePemAsync(default);
        }

        File.Copy(Path.Combine(directory, "other", "ca.crt"), Path.Combine(CaDirectory, "ca.crt"), overwrite: true);
        using var mismatched = NewAuthority();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => mismatched.GetCaCertificatePemAsync(default));
        Assert.Contains("is not the key of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_authorities_starting_together_on_an_empty_directory_make_one_ca()
    {
        using var first = NewAuthority();
        using var second = NewAuthority();

        var pems = await Task.WhenAll(Task.Run(() => first.GetCaCertificatePemAsync(default)), Task.Run(() => second.GetCaCertificatePemAsync(default)));

        Assert.Equal(pems[0], pems[1]);
        Assert.Equal(pems[0], await File.ReadAllTextAsync(Path.Combine(CaDirectory, "ca.crt")));
    }

    private static async Task<(int Exit, string Output)> OpenSsl(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
