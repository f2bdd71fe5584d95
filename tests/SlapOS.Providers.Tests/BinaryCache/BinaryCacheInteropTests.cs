using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SlapOS.Providers.BinaryCache;

namespace SlapOS.Providers.Tests.BinaryCache;

/// <summary>
/// The formats against the tools slapgrid relies on: signatures against <c>openssl dgst -sha1</c> (what pyOpenSSL's
/// <c>crypto.sign/verify(..., 'sha1')</c> computes), archives against Python's <c>tarfile</c> (<c>w:gz</c> / <c>extractall</c>).
/// Plus the extraction's refusals and slapgrid's compatibility rule.
/// </summary>
public sealed class BinaryCacheInteropTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cache19-interop-" + Guid.NewGuid().ToString("N"));

    public BinaryCacheInteropTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task OurSignature_VerifiesWithOpenssl_AndOpensslsVerifiesWithUs()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=interop", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var keyFile = Path.Combine(_root, "key.pem");
        var publicFile = Path.Combine(_root, "public.pem");
        var entryFile = Path.Combine(_root, "entry.json");
        var signatureFile = Path.Combine(_root, "signature.bin");
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(publicFile, key.ExportSubjectPublicKeyInfoPem());
        var entry = new NetworkcacheSoftwareEntry(new string('a', 128), "https://lab.example/software.cfg", "/opt/slapgrid", "x86_64-linux-gnu", ["debian", "12", "bookworm"]).ToJson();
        await File.WriteAllBytesAsync(entryFile, Encoding.UTF8.GetBytes(entry));

        await File.WriteAllBytesAsync(signatureFile, Convert.FromBase64String(NetworkcacheSignature.Sign(entry, key)));
        Assert.Contains("Verified OK", await RunAsync("openssl", "dgst", "-sha1", "-verify", publicFile, "-signature", signatureFile, entryFile), StringComparison.Ordinal);

        File.Delete(signatureFile);
        await RunAsync("openssl", "dgst", "-sha1", "-sign", keyFile, "-out", signatureFile, entryFile);
        var theirs = Convert.ToBase64String(await File.ReadAllBytesAsync(signatureFile));
        Assert.True(NetworkcacheSignature.Verify(entry, theirs, [certificate]));
        // Old libnetworkcache wrote base64 with line breaks.
        Assert.True(NetworkcacheSignature.Verify(entry, string.Join('\n', theirs.Chunk(76).Select(c => new string(c))), [certificate]));
        Assert.False(NetworkcacheSignature.Verify(entry.Replace("12", "13", StringComparison.Ordinal), theirs, [certificate]));
        Assert.False(NetworkcacheSignature.Verify(entry, "not base64!", [certificate]));
        Assert.False(NetworkcacheSignature.Verify(entry, string.Empty, [certificate]));
    }

    [Fact]
    public async Task OurArchive_IsWhatPythonTarfileExtracts_LikeSlapgrid()
    {
        var build = WriteRelease("https://lab.example/a/software.cfg");
        var archive = Path.Combine(_root, "release.tar.gz");
        await SoftwareArchive.CreateAsync(build, archive, CancellationToken.None);

        var target = Path.Combine(_root, "python-root");
        Directory.CreateDirectory(target);
        await RunAsync("python3", "-c", "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(path=sys.argv[2])", archive, target);

        var extracted = Path.Combine(target, Path.GetFileName(build.InstallDirectory));
        Assert.Equal("profile", await File.ReadAllTextAsync(Path.Combine(extracted, "instance.cfg")));
        Assert.Equal("#!/bin/sh\n", await File.ReadAllTextAsync(Path.Combine(extracted, "bin", "run")));
        Assert.True(File.GetUnixFileMode(Path.Combine(extracted, "bin", "run")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal("bin/run", new FileInfo(Path.Combine(extracted, "link")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(extracted, ".completed")));            // slapgrid archives before marking
    }

    [Fact]
    public async Task APythonTarfileArchive_IsExtractedByUs()
    {
        var build = WriteRelease("https://lab.example/b/software.cfg");
        var archive = Path.Combine(_root, "python.tar.gz");
        // What slapgrid's uploadSoftwareRelease does: tarfile.open(path, "w:gz").add(software_path, arcname=md5).
        await RunAsync("python3", "-c", "import sys, tarfile; t = tarfile.open(sys.argv[1], 'w:gz'); t.add(sys.argv[2], arcname=sys.argv[3]); t.close()",
            archive, build.InstallDirectory, Path.GetFileName(build.InstallDirectory));

        var destination = Path.Combine(_root, "ours");
        Directory.CreateDirectory(destination);
        await SoftwareArchive.ExtractAsync(archive, destination, Path.GetFileName(build.InstallDirectory), CancellationToken.None);

        var extracted = Path.Combine(destination, Path.GetFileName(build.InstallDirectory));
        Assert.Equal("#!/bin/sh\n", await File.ReadAllTextAsync(Path.Combine(extracted, "bin", "run")));
        Assert.True(File.GetUnixFileMode(Path.Combine(extracted, "bin", "run")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal("bin/run", new FileInfo(Path.Combine(extracted, "link")).LinkTarget);
    }

    [Theory]
    [InlineData("other-directory/file")]
    [InlineData("TOP/../../escape")]
    [InlineData("/etc/escape")]
    public async Task AnEntryOutsideTheReleaseDirectory_IsRefused(string name)
    {
        var archive = await WriteArchiveAsync(w => w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream([1]) }));
        var destination = Path.Combine(_root, "out");
        Directory.CreateDirectory(destination);
        await Assert.ThrowsAsync<InvalidDataException>(() => SoftwareArchive.ExtractAsync(archive, destination, "TOP", CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(_root, "escape")));
    }

    [Fact]
    public async Task AWriteThroughASymbolicLink_IsRefused()
    {
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        var archive = await WriteArchiveAsync(w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "TOP/evil") { LinkName = outside });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "TOP/evil/planted") { DataStream = new MemoryStream([1]) });
        });
        var destination = Path.Combine(_root, "out");
        Directory.CreateDirectory(destination);

        await Assert.ThrowsAsync<InvalidDataException>(() => SoftwareArchive.ExtractAsync(archive, destination, "TOP", CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(outside, "planted")));
    }

    [Fact]
    public async Task ADeviceEntry_IsRefused()
    {
        var archive = await WriteArchiveAsync(w => w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "TOP/null")));
        var destination = Path.Combine(_root, "out");
        Directory.CreateDirectory(destination);
        await Assert.ThrowsAsync<InvalidDataException>(() => SoftwareArchive.ExtractAsync(archive, destination, "TOP", CancellationToken.None));
    }

    [Theory]
    [InlineData("x86_64-linux-gnu", "debian", "12.5", "bookworm", true)]
    [InlineData("x86_64-linux-gnu", "Raspbian", "12", "", true)]
    [InlineData("x86_64-linux-gnu", "debian", "11", "bullseye", false)]
    [InlineData("aarch64-linux-gnu", "debian", "12", "bookworm", false)]
    [InlineData("x86_64-linux-gnu", "ubuntu", "22.04", "jammy", false)]
    public void Compatibility_FollowsSlapgrid(string multiarch, string name, string version, string codename, bool compatible)
    {
        var platform = new BinaryCachePlatform("x86_64-linux-gnu", ["debian", "12", ""]);
        var entry = new NetworkcacheSoftwareEntry(new string('a', 128), "u", "/opt/slapgrid", multiarch, [name, version, codename]);
        Assert.Equal(compatible, platform.IsCompatible(entry));
    }

    [Fact]
    public void AnOldX86Entry_WithoutMultiarch_ReadsAsLinuxGnu()
    {
        var entry = NetworkcacheSoftwareEntry.Parse(new ShadirEntry($$"""{"sha512": "{{new string('c', 128)}}", "machine": "x86_64", "os": ["debian", "12", ""]}""", string.Empty));
        Assert.Equal("x86_64-linux-gnu", entry.Multiarch);
    }

    private SoftwareBuild WriteRelease(string url)
    {
        var build = new SoftwareBuild(url, Path.Combine(_root, "software"));
        Directory.CreateDirectory(Path.Combine(build.InstallDirectory, "bin"));
        File.WriteAllText(Path.Combine(build.InstallDirectory, "instance.cfg"), "profile");
        var run = Path.Combine(build.InstallDirectory, "bin", "run");
        File.WriteAllText(run, "#!/bin/sh\n");
        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(build.InstallDirectory, "link"), "bin/run");
        File.WriteAllText(build.CompletedMarker, string.Empty);
        return build;
    }

    private async Task<string> WriteArchiveAsync(Action<TarWriter> write)
    {
        var path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".tar.gz");
        await using (var file = File.Create(path))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            write(tar);
        }

        return path;
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} failed ({process.ExitCode}): {error}");
        return output;
    }
}
