using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SlapOS.Slave;

namespace SlapOS.Slave.Tests.MasterClient;

/// <summary>The node's CRL reader and its fail-closed list, on CRLs made with .NET's own builder (ECDSA and RSA CAs).</summary>
public sealed class CertificateRevocationListTests
{
    private static X509Certificate2 Ca(AsymmetricAlgorithm key, string name)
    {
        var request = key is RSA rsa
            ? new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(name, (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Leaf(X509Certificate2 ca, byte[] serial)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=master", key, HashAlgorithmName.SHA256);
        using var rsa = ca.GetRSAPrivateKey();
        using var ecdsa = ca.GetECDsaPrivateKey();
        var signer = rsa is not null ? X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1) : X509SignatureGenerator.CreateForECDsa(ecdsa!);
        return request.Create(ca.SubjectName, signer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), serial);
    }

    private static byte[] Crl(X509Certificate2 ca, DateTimeOffset now, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
        {
            builder.AddEntry(certificate, now);
        }

        return ca.GetRSAPrivateKey() is not null
            ? builder.Build(ca, BigInteger.One, now.AddHours(1), HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1, now)
            : builder.Build(ca, BigInteger.One, now.AddHours(1), HashAlgorithmName.SHA256, thisUpdate: now);
    }

    [Theory]
    [InlineData("ecdsa")]
    [InlineData("rsa")]
    public void A_list_signed_by_the_ca_revokes_exactly_its_serials_in_der_and_in_pem(string algorithm)
    {
        using AsymmetricAlgorithm key = algorithm == "rsa" ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = Ca(key, "CN=node-crl-ca");
        using var revoked = Leaf(ca, [0x00, 0x80, 0x01]); // a leading zero byte, as DER needs for a high bit
        using var kept = Leaf(ca, [0x42]);
        var now = DateTimeOffset.UtcNow;
        var der = Crl(ca, now, revoked);
        var pem = System.Text.Encoding.ASCII.GetBytes(PemEncoding.WriteString("X509 CRL", der));

        foreach (var encoded in new[] { der, pem })
        {
            var list = CertificateRevocationList.Read(encoded, [ca]);
            Assert.True(list.Revokes(revoked));
            Assert.False(list.Revokes(kept));
            Assert.Equal(1, list.Count);
            Assert.True(list.NextUpdate > now);
        }
    }

    [Fact]
    public void A_list_from_another_key_under_the_same_name_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = Ca(key, "CN=node-crl-ca");
        using var impostor = Ca(other, "CN=node-crl-ca");

        var refused = Assert.Throws<InvalidDataException>(() => CertificateRevocationList.Read(Crl(impostor, DateTimeOffset.UtcNow), [ca]));

        Assert.Contains("does not verify", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_fails_closed_when_stale_and_never_goes_back_to_an_older_one()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = Ca(key, "CN=node-crl-ca");
        using var master = Leaf(ca, [0x07]);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var served = Crl(ca, clock.GetUtcNow());
        using var revocation = MasterRevocationList.FromMaster(new Uri("https://master.example/ca/crl"), _ => Task.FromResult(served), [ca], TimeSpan.FromMinutes(1), clock, NullLogger.Instance);

        Assert.False(revocation.Accepts(master)); // nothing read yet
        await revocation.RefreshIfDueAsync(default);
        Assert.True(revocation.Accepts(master));

        // A newer list revokes it; then a replay of the older list is not taken.
        var older = served;
        clock.Advance(TimeSpan.FromMinutes(2));
        served = Crl(ca, clock.GetUtcNow(), master);
        await revocation.RefreshIfDueAsync(default);
        Assert.False(revocation.Accepts(master));
        clock.Advance(TimeSpan.FromMinutes(2));
        served = older;
        await revocation.RefreshIfDueAsync(default);
        Assert.False(revocation.Accepts(master));

        // Past its nextUpdate with nothing newer to read: every master is refused.
        served = "garbage"u8.ToArray();
        clock.Advance(TimeSpan.FromHours(2));
        await revocation.RefreshIfDueAsync(default);
        Assert.NotNull(revocation.Unusable());
        Assert.Contains("stale", revocation.Unusable(), StringComparison.Ordinal);
    }
}
