using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.BinaryCache;

/// <summary>
/// The cache on disk: content under <c>shacache/&lt;2 first hex&gt;/&lt;sha512&gt;</c>, each key's entry list under
/// <c>shadir/&lt;sha256(key)&gt;.json</c> (hashing the key keeps any key a safe file name). Every write goes to
/// <c>tmp/</c> first and is renamed into place, so a reader never sees half a file.
/// </summary>
internal sealed class BinaryCacheStorage(IOptions<BinaryCacheOptions> options)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new(StringComparer.Ordinal);

    private BinaryCacheOptions Options => options.Value;

    public string ContentPath(string sha512) => Path.Combine(Options.StorageDirectory, "shacache", sha512[..2], sha512);

    public bool HasContent(string sha512) => File.Exists(ContentPath(sha512));

    /// <summary>Stores <paramref name="body"/>, hashing while it streams; refuses it when <paramref name="expected"/> is set and differs.</summary>
    public async Task<(string Sha512, long Bytes)> StoreContentAsync(Stream body, string? expected, CancellationToken cancellationToken)
    {
        var temporary = TemporaryPath();
        long total = 0;
        string sha512;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (output.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > Options.MaxUploadBytes)
                    {
                        throw new BinaryCacheUploadException(StatusCodes.Status413PayloadTooLarge, $"The upload exceeds {Options.MaxUploadBytes} bytes.");
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }

            sha512 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (expected is not null && !string.Equals(expected, sha512, StringComparison.Ordinal))
            {
                throw new BinaryCacheUploadException(StatusCodes.Status400BadRequest, $"The content's SHA-512 is {sha512}, not {expected}.");
            }

            var final = ContentPath(sha512);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            // Content-addressed: an existing file with this name already holds these bytes.
            File.Move(temporary, final, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return (sha512, total);
    }

    /// <summary>The key's entry list as stored (the GET answer), or <see langword="null"/> when the key has none.</summary>
    public async Task<byte[]?> ReadEntriesAsync(string key, CancellationToken cancellationToken)
    {
        var path = DirectoryPath(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Adds <paramref name="entry"/> first in the key's list (the newest build is tried first), once, keeping at most MaxEntriesPerKey.</summary>
    public async Task AddEntryAsync(string key, ShadirEntry entry, CancellationToken cancellationToken)
    {
        var gate = _keyLocks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = await ReadEntriesAsync(key, cancellationToken).ConfigureAwait(false);
            var list = new List<ShadirEntry> { entry };
            if (existing is not null)
            {
                list.AddRange(ShadirEntry.ParseList(existing).Where(e => e != entry));
            }

            var path = DirectoryPath(key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = TemporaryPath();
            try
            {
                await File.WriteAllBytesAsync(temporary, ShadirEntry.FormatList(list.Take(Options.MaxEntriesPerKey)), cancellationToken).ConfigureAwait(false);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private string DirectoryPath(string key) =>
        Path.Combine(Options.StorageDirectory, "shadir", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".json");

    private string TemporaryPath()
    {
        var directory = Path.Combine(Options.StorageDirectory, "tmp");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, Guid.NewGuid().ToString("N"));
    }
}
