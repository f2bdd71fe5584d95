using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SlapOS.Integration.Tests.BinaryCache;

/// <summary>
/// Who may upload, and what a node does when an upload fails: a node presenting a client certificate the cache allows
/// (<c>UploadCertificateThumbprints</c>, libnetworkcache's <c>shacache-cert-file</c>) uploads over HTTPS; one without a
/// certificate, or with one the cache does not allow, is refused (401) and not retried. A transient failure (503) is
/// retried and the upload goes through. Real HTTPS (Kestrel on loopback), the real installer, real files.
/// </summary>
public sealed class BinaryCacheUploadTests
{
    [Fact]
    public async Task AnUploadWithAnAllowedClientCertificate_IsAccepted_WithoutOrWithAnUntrustedOne_Refused()
    {
        using var server = BinaryCacheWorld.NewServerCertificate();
        var (allowedPem, allowedKeyPem) = BinaryCacheWorld.NewSigningIdentity("allowed uploader");
        var (untrustedPem, untrustedKeyPem) = BinaryCacheWorld.NewSigningIdentity("untrusted uploader");
        using var allowed = X509Certificate2.CreateFromPem(allowedPem);
        await using var world = await BinaryCacheWorld.StartAsync(
            serverCertificate: server,
            configure: o =>
            {
                o.UploadUsers.Clear();
                o.UploadCertificateThumbprints.Add(Convert.ToHexString(SHA256.HashData(allowed.RawData)));
            });
        Assert.StartsWith("https://", world.CacheUrl, StringComparison.Ordinal);
        var serverPem = Path.Combine(world.Root, "cache-server.pem");
        await File.WriteAllTextAsync(serverPem, server.ExportCertificatePem());

        // No certificate: the build succeeds, the upload is refused once (a 4xx is not retried), nothing is stored.
        var without = world.Build("without");
        await UploadingNode(world, "without", serverPem, null).InstallSoftwareAsync(without, CancellationToken.None);
        Assert.True(File.Exists(without.CompletedMarker));
        Assert.Equal(new[] { 401 }, world.ContentUploads);
        Assert.Empty(world.StoredArchives());
        Assert.Contains(world.Log, l => l.StartsWith("without", StringComparison.Ordinal) && l.Contains("Could not upload", StringComparison.Ordinal));

        // A certificate the cache does not allow: the same.
        var untrusted = world.Build("untrusted");
        await UploadingNode(world, "untrusted", serverPem, await Identity(world, "untrusted", untrustedPem, untrustedKeyPem)).InstallSoftwareAsync(untrusted, CancellationToken.None);
        Assert.True(File.Exists(untrusted.CompletedMarker));
        Assert.Equal(new[] { 401, 401 }, world.ContentUploads);
        Assert.Empty(world.StoredArchives());
        Assert.Empty(world.StoredDirectories());

        // The allowed certificate: content and entry are stored.
        var accepted = world.Build("allowed");
        await UploadingNode(world, "allowed", serverPem, await Identity(world, "allowed", allowedPem, allowedKeyPem)).InstallSoftwareAsync(accepted, CancellationToken.None);
        Assert.Equal(new[] { 401, 401, 201 }, world.ContentUploads);
        Assert.Single(world.StoredArchives());
        Assert.Single(world.StoredDirectories());
        Assert.Contains(world.Requests, r => r.StartsWith("PUT /shadir/", StringComparison.Ordinal) && r.EndsWith(" 201", StringComparison.Ordinal));
        Assert.Equal(3, world.BuildCount);
    }

    [Fact]
    public async Task AnUploadThatFailsOnce_IsRetried_AndStored()
    {
        var failures = 0;
        await using var world = await BinaryCacheWorld.StartAsync(intercept: context =>
        {
            if (context.Request.Method == "POST" && context.Request.Path == "/shacache" && Interlocked.Increment(ref failures) == 1)
            {
                context.Response.StatusCode = 503; // the first upload meets a cache that is briefly unavailable
                return true;
            }

            return false;
        });

        await world.Node("node1", upload: true).InstallSoftwareAsync(world.Build("node1"), CancellationToken.None);

        Assert.Equal(new[] { 503, 201 }, world.ContentUploads);
        Assert.Single(world.StoredArchives());
        Assert.Single(world.StoredDirectories());
        Assert.Contains(world.Log, l => l.Contains("The binary cache failed POST", StringComparison.Ordinal) && l.Contains("HTTP 503", StringComparison.Ordinal));
        Assert.DoesNotContain(world.Log, l => l.Contains("Could not upload", StringComparison.Ordinal));

        // What was uploaded after the retry is whole: another node installs it without building.
        var build2 = world.Build("node2");
        await world.Node("node2").InstallSoftwareAsync(build2, CancellationToken.None);
        Assert.Equal(1, world.BuildCount);
        Assert.True(File.Exists(build2.CompletedMarker));
    }

    [Fact]
    public async Task AnUploadRefusedWithA4xx_IsNotRetried()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        var authority = new Uri(world.CacheUrl).Authority;

        await world.Node("node1", upload: true, o =>
        {
            o.UploadBinaryCacheUrl = $"http://node:wrong-secret@{authority}/shacache";
            o.UploadBinaryDirUrl = $"http://node:wrong-secret@{authority}/shadir";
        }).InstallSoftwareAsync(world.Build("node1"), CancellationToken.None);

        Assert.Equal(new[] { 401 }, world.ContentUploads);
        Assert.Empty(world.StoredArchives());
        Assert.DoesNotContain(world.Log, l => l.Contains("The binary cache failed", StringComparison.Ordinal));
        Assert.Contains(world.Log, l => l.Contains("Could not upload", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1, 1000, "MaxRetries")]
    [InlineData(11, 1000, "MaxRetries")]
    [InlineData(3, 0, "RetryDelay")]
    public async Task BadRetryOptions_FailValidation(int retries, int delayMilliseconds, string option)
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => world.Node("node1", configure: o =>
        {
            o.MaxRetries = retries;
            o.RetryDelay = TimeSpan.FromMilliseconds(delayMilliseconds);
        }));
        Assert.Contains($"SlapOS:Slave:BinaryCache:{option}", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A node that downloads and uploads over HTTPS, trusting <paramref name="serverPem"/>, presenting <paramref name="identity"/> if any.</summary>
    private static ISoftwareInstaller UploadingNode(BinaryCacheWorld world, string name, string serverPem, (string Certificate, string Key)? identity) =>
        world.Node(name, upload: true, o =>
        {
            o.UploadBinaryCacheUrl = world.CacheUrl + "/shacache";
            o.UploadBinaryDirUrl = world.CacheUrl + "/shadir";
            o.ShacacheCaFile = serverPem;
            o.ShadirCaFile = serverPem;
            if (identity is { } files)
            {
                (o.ShacacheCertFile, o.ShacacheKeyFile) = files;
                (o.ShadirCertFile, o.ShadirKeyFile) = files;
            }
        });

    private static async Task<(string Certificate, string Key)> Identity(BinaryCacheWorld world, string name, string certificatePem, string keyPem)
    {
        var certificate = Path.Combine(world.Root, name + "-client.pem");
        var key = Path.Combine(world.Root, name + "-client.key");
        await File.WriteAllTextAsync(certificate, certificatePem);
        await File.WriteAllTextAsync(key, keyPem);
        return (certificate, key);
    }
}
