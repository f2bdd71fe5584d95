using System.Text;

namespace SlapOS.Integration.Tests.BinaryCache;

/// <summary>
/// Release X built on node 1 and uploaded is installed on node 2 from the cache with no build step; a tampered archive,
/// a tampered entry, an untrusted signature and another platform are refused and the node builds instead.
/// Real HTTP (Kestrel on loopback), the real native buildout installer, real files.
/// </summary>
public sealed class BinaryCacheEndToEndTests
{
    [Fact]
    public async Task AReleaseBuiltOnNode1_IsInstalledOnNode2_FromTheCache_WithoutBuilding()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        var node1 = world.Node("node1", upload: true);
        var node2 = world.Node("node2");

        await node1.InstallSoftwareAsync(world.Build("node1"), CancellationToken.None);
        Assert.Equal(1, world.BuildCount);
        Assert.Single(world.StoredArchives());
        Assert.Single(world.StoredDirectories());

        var build2 = world.Build("node2");
        await node2.InstallSoftwareAsync(build2, CancellationToken.None);

        Assert.Equal(1, world.BuildCount);                                   // the build step did not run again
        Assert.False(Directory.Exists(Path.Combine(world.Root, "node2-download-cache")));
        Assert.True(File.Exists(build2.CompletedMarker));
        Assert.True(File.Exists(Path.Combine(build2.InstallDirectory, "instance.cfg")));
        var built = world.Build("node1");
        foreach (var blob in Directory.EnumerateFiles(Path.Combine(built.InstallDirectory, "payload")))
        {
            Assert.Equal(await File.ReadAllBytesAsync(blob), await File.ReadAllBytesAsync(Path.Combine(build2.InstallDirectory, "payload", Path.GetFileName(blob))));
        }

        Assert.Equal("payload/blob-1", new FileInfo(Path.Combine(build2.InstallDirectory, "first-blob")).LinkTarget);
        Assert.Contains(world.Log, l => l.StartsWith("node2", StringComparison.Ordinal) && l.Contains("from the binary cache", StringComparison.Ordinal));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(build2.SoftwareRoot), e => Path.GetFileName(e).StartsWith(".binary-cache-", StringComparison.Ordinal));

        // Installed again: nothing to do, still no build.
        await node2.InstallSoftwareAsync(build2, CancellationToken.None);
        Assert.Equal(1, world.BuildCount);
    }

    [Fact]
    public async Task ATamperedArchive_IsRefused_AndTheNodeBuilds()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        await world.Node("node1", upload: true).InstallSoftwareAsync(world.Build("node1"), CancellationToken.None);
        var archive = Assert.Single(world.StoredArchives());
        var bytes = await File.ReadAllBytesAsync(archive);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(archive, bytes);

        var build2 = world.Build("node2");
        await world.Node("node2").InstallSoftwareAsync(build2, CancellationToken.None);

        Assert.Equal(2, world.BuildCount);
        Assert.True(File.Exists(build2.CompletedMarker));
        Assert.Contains(world.Log, l => l.StartsWith("node2 Warning", StringComparison.Ordinal) && l.Contains("Refused the binary cache archive", StringComparison.Ordinal) && l.Contains("altered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEntrySignedByAnUntrustedKey_IsRefused_AndTheNodeBuilds()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        await world.Node("node1", upload: true).InstallSoftwareAsync(world.Build("node1"), CancellationToken.None);
        var (otherCertificate, _) = BinaryCacheWorld.NewSigningIdentity("someone else");

        var build2 = world.Build("node2");
        await world.Node("node2", configure: o => o.SignatureCertificateList = otherCertificate).InstallSoftwareAsync(build2, CancellationToken.None);

        Assert.Equal(2, world.BuildCount);
        Assert.True(File.Exists(build2.CompletedMarker));
        Assert.Contains(world.Log, l => l.StartsWith("node2 Warning", StringComparison.Ordinal) && l.Contains("matches no trusted certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEntryAlteredAfterSigning_IsRefused_AndTheNodeBuilds()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        await world.Node("node1", upload: true).InstallSoftwareAsync(world.Build("node1"), CancellationToken.None);
        var directory = Assert.Single(world.StoredDirectories());
        var text = await File.ReadAllTextAsync(directory);
        var altered = text.Replace("x86_64", "x86_65", StringComparison.Ordinal).Replace("aarch64", "aarch65", StringComparison.Ordinal);
        Assert.NotEqual(text, altered);
        await File.WriteAllTextAsync(directory, altered, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        await world.Node("node2").InstallSoftwareAsync(world.Build("node2"), CancellationToken.None);

        Assert.Equal(2, world.BuildCount);
        Assert.True(world.Log.Any(l => l.StartsWith("node2 Warning", StringComparison.Ordinal) && l.Contains("matches no trusted certificate", StringComparison.Ordinal)), string.Join("\n", world.Log));
        Assert.Contains(world.Log, l => l.StartsWith("node2 Warning", StringComparison.Ordinal) && l.Contains("matches no trusted certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherPlatformsBuild_IsNotUsed()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        await world.Node("node1", upload: true, o => o.OperatingSystem = ["debian", "11.2", "bullseye"]).InstallSoftwareAsync(world.Build("node1"), CancellationToken.None);

        // Debian compares on the major version only (slapgrid's rule): 11.7 uses the 11.2 build.
        await world.Node("node2", configure: o => o.OperatingSystem = ["debian", "11.7", ""]).InstallSoftwareAsync(world.Build("node2"), CancellationToken.None);
        Assert.Equal(1, world.BuildCount);

        await world.Node("node3", configure: o => o.OperatingSystem = ["debian", "12", "bookworm"]).InstallSoftwareAsync(world.Build("node3"), CancellationToken.None);
        Assert.Equal(2, world.BuildCount);
        Assert.Contains(world.Log, l => l.StartsWith("node3", StringComparison.Ordinal) && l.Contains("0 for this platform", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABlacklistedUrl_IsNeitherUploadedNorDownloaded_AndAForcedUrlIsNeverBuilt()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        var prefix = Path.GetDirectoryName(world.ReleaseUrl)!;
        await world.Node("node1", upload: true, o => o.UploadToBinaryCacheUrlBlacklist = [prefix]).InstallSoftwareAsync(world.Build("node1"), CancellationToken.None);
        Assert.Empty(world.StoredArchives());

        var forced = world.Build("node2");
        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() =>
            world.Node("node2", configure: o => o.DownloadFromBinaryCacheForceUrlList = [prefix]).InstallSoftwareAsync(forced, CancellationToken.None));
        Assert.Contains("binary cache", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, world.BuildCount);
        Assert.False(File.Exists(forced.CompletedMarker));
    }

    [Fact]
    public async Task AnUnreachableCache_MeansTheNodeBuilds()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        var build = world.Build("node1");
        await world.Node("node1", configure: o =>
        {
            o.DownloadBinaryCacheUrl = "http://127.0.0.1:9/shacache";
            o.DownloadBinaryDirUrl = "http://127.0.0.1:9/shadir";
        }).InstallSoftwareAsync(build, CancellationToken.None);

        Assert.Equal(1, world.BuildCount);
        Assert.True(File.Exists(build.CompletedMarker));
        Assert.Contains(world.Log, l => l.Contains("lookup failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUploadingNodeWhoseKeyIsNotTrusted_FailsValidation()
    {
        await using var world = await BinaryCacheWorld.StartAsync();
        var (otherCertificate, _) = BinaryCacheWorld.NewSigningIdentity("someone else");
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            world.Node("node1", upload: true, o => o.SignatureCertificateList = otherCertificate));
        Assert.Contains("SignaturePrivateKeyFile", error.Message, StringComparison.Ordinal);
    }
}
