namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>download</c> (<c>slapos.recipe.build:download</c>): downloads <c>url</c> (checked against
/// <c>md5sum</c>, through the download cache) to <c>destination</c> (default
/// <c>${buildout:parts-directory}/&lt;part&gt;/&lt;filename&gt;</c>); sets <c>target</c> to that path.
/// </summary>
internal sealed class DownloadRecipe : IBuildoutRecipe
{
    public void Initialize(BuildoutPartContext part)
    {
        var url = part.Require("url");
        if (part["destination"] is { Length: > 0 } destination)
        {
            part.Set("target", destination.Trim());
            return;
        }

        var (location, _) = BuildoutDownloader.SplitChecksum(url.Trim());
        var fileName = part["filename"] is { Length: > 0 } name ? name.Trim() : Path.GetFileName(new Uri(location, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(location).AbsolutePath : location);
        if (string.IsNullOrEmpty(fileName))
        {
            throw new BuildoutException($"The part [{part.PartName}] cannot name the file of '{url}': give 'filename' or 'destination'.");
        }

        part.Set("target", Path.Combine(part.PartsDirectory, part.PartName, fileName));
    }

    public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        var source = await part.DownloadAsync(part.Require("url").Trim(), part["md5sum"], cancellationToken).ConfigureAwait(false);
        var target = part.Require("target");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        File.Copy(source, target, overwrite: true);
        if (part["mode"] is { Length: > 0 } mode && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, BuildoutFiles.ParseMode(mode, UnixFileMode.UserRead | UnixFileMode.UserWrite, part.PartName));
        }

        part.Own(target);
        // The part's own directory is removed with it when it was created for it.
        var own = Path.Combine(part.PartsDirectory, part.PartName);
        return [target.StartsWith(own + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? own : target];
    }
}
