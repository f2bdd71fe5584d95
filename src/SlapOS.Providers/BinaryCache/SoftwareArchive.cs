using System.Formats.Tar;
using System.IO.Compression;

namespace SlapOS.Providers.BinaryCache;

/// <summary>
/// A release as slapgrid archives it: a gzip-compressed tar whose single top directory is the release's install
/// directory name (<c>md5(url)</c>), extracted into the software root. The completion marker is left out, as
/// slapgrid uploads before it writes its marker; the installing node marks the release complete itself.
/// </summary>
internal static class SoftwareArchive
{
    public static async Task CreateAsync(SoftwareBuild build, string archivePath, CancellationToken cancellationToken)
    {
        var root = build.InstallDirectory;
        var name = Path.GetFileName(root);
        var file = new FileStream(archivePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var gzip = new GZipStream(file, CompressionLevel.Optimal);
            await using (gzip.ConfigureAwait(false))
            {
                var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
                await using (tar.ConfigureAwait(false))
                {
                    await tar.WriteEntryAsync(root, name, cancellationToken).ConfigureAwait(false);
                    var entries = Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
                        .Where(p => !string.Equals(p, build.CompletedMarker, StringComparison.Ordinal))
                        .Order(StringComparer.Ordinal);
                    foreach (var path in entries)
                    {
                        var entryName = name + "/" + Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                        await tar.WriteEntryAsync(path, entryName, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Extracts <paramref name="archivePath"/> into <paramref name="destination"/> (an empty directory), refusing any entry
    /// outside <paramref name="topDirectory"/>, any path through a symbolic link, and devices: an archive is untrusted
    /// input even when signed, and slapgrid's own extraction follows the same layout.
    /// </summary>
    /// <exception cref="InvalidDataException">The archive is not a release archive.</exception>
    public static async Task ExtractAsync(string archivePath, string destination, string topDirectory, CancellationToken cancellationToken)
    {
        var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using (gzip.ConfigureAwait(false))
            {
                var tar = new TarReader(gzip);
                await using (tar.ConfigureAwait(false))
                {
                    Directory.CreateDirectory(Path.Combine(destination, topDirectory));
                    while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        await ExtractEntryAsync(entry, destination, topDirectory, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private static async Task ExtractEntryAsync(TarEntry entry, string destination, string topDirectory, CancellationToken cancellationToken)
    {
        var relative = entry.Name.TrimEnd('/');
        if (relative.StartsWith("./", StringComparison.Ordinal))
        {
            relative = relative[2..];
        }

        var parts = relative.Split('/');
        if (relative.Length == 0 || relative.StartsWith('/') || parts[0] != topDirectory || parts.Any(p => p is "" or "." or ".."))
        {
            throw new InvalidDataException($"The archive entry '{entry.Name}' is outside the release directory '{topDirectory}'.");
        }

        var path = Path.Combine([destination, .. parts]);
        RefuseLinkedParent(destination, parts);
        var mode = entry.Mode & (UnixFileMode)0x1FF | (entry.Mode & (UnixFileMode.SetGroup | UnixFileMode.StickyBit));
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                Directory.CreateDirectory(path);
                SetMode(path, mode | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
                await using (output.ConfigureAwait(false))
                {
                    if (entry.DataStream is { } data)
                    {
                        await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                    }
                }

                SetMode(path, mode);
                File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
                break;
            case TarEntryType.SymbolicLink:
                // The target is kept as written (releases link to absolute paths under the software root);
                // nothing is ever extracted through a link (RefuseLinkedParent), so a link cannot redirect a write.
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.CreateSymbolicLink(path, entry.LinkName);
                break;
            case TarEntryType.HardLink:
                var targetParts = entry.LinkName.TrimStart('.', '/').Split('/');
                if (targetParts[0] != topDirectory || targetParts.Any(p => p is "" or "." or ".."))
                {
                    throw new InvalidDataException($"The archive's hard link '{entry.Name}' points outside the release directory.");
                }

                RefuseLinkedParent(destination, targetParts);
                // A copy: no portable hard-link API, and a release does not depend on link identity.
                File.Copy(Path.Combine([destination, .. targetParts]), path);
                break;
            case TarEntryType.GlobalExtendedAttributes:
                break;
            default:
                throw new InvalidDataException($"The archive entry '{entry.Name}' is a {entry.EntryType}, which a release does not hold.");
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static void RefuseLinkedParent(string destination, string[] parts)
    {
        var current = destination;
        foreach (var part in parts[..^1])
        {
            current = Path.Combine(current, part);
            if (new FileInfo(current).LinkTarget is not null)
            {
                throw new InvalidDataException($"The archive writes through the symbolic link '{current}'.");
            }
        }
    }
}
