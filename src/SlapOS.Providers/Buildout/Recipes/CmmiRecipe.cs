namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>cmmi</c> (<c>slapos.recipe.cmmi</c>): configure / make / make install. The source is a
/// tarball (<c>url</c> + <c>md5sum</c>, unpacked with <c>tar</c>) or a directory (<c>path</c>);
/// installs into <c>prefix</c> (default <c>${buildout:parts-directory}/&lt;part&gt;</c>, also set as
/// <c>location</c>). Options: <c>configure-command</c>, <c>configure-options</c>,
/// <c>make-options</c>, <c>make-targets</c> (default <c>install</c>), <c>environment</c>.
/// </summary>
internal sealed class CmmiRecipe : IBuildoutRecipe
{
    public void Initialize(BuildoutPartContext part)
    {
        if (part["url"] is null && part["path"] is null)
        {
            throw new BuildoutException($"The part [{part.PartName}] (cmmi) needs 'url' or 'path'.");
        }

        var prefix = part["prefix"] is { Length: > 0 } p ? p.Trim() : Path.Combine(part.PartsDirectory, part.PartName);
        part.Set("prefix", prefix);
        part.Set("location", prefix);
    }

    public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        var prefix = part.Require("prefix");
        var build = Path.Combine(part.PartsDirectory, part.PartName + "__compile__");
        if (Directory.Exists(build))
        {
            Directory.Delete(build, recursive: true);
        }

        Directory.CreateDirectory(build);
        part.Own(build);
        var environment = BuildoutFiles.ParseEnvironment(part["environment"], part.PartName);
        string source;
        if (part["path"] is { Length: > 0 } path)
        {
            source = path.Trim();
        }
        else
        {
            var archive = await part.DownloadAsync(part.Require("url").Trim(), part["md5sum"], cancellationToken).ConfigureAwait(false);
            await RunAsync(part, $"tar -xf {Quote(archive)} -C {Quote(build)}", build, environment, "unpacking", cancellationToken).ConfigureAwait(false);
            // A tarball usually holds one top directory: build in it.
            var entries = Directory.GetFileSystemEntries(build);
            source = entries.Length == 1 && Directory.Exists(entries[0]) ? entries[0] : build;
        }

        var configure = part["configure-command"] is { Length: > 0 } c ? c.Trim() : "./configure";
        var configureOptions = Join(part["configure-options"]);
        var makeOptions = Join(part["make-options"]);
        var targets = part["make-targets"] is { Length: > 0 } t ? Join(t) : "install";

        await RunAsync(part, $"{configure} --prefix={Quote(prefix)} {configureOptions}", source, environment, "configure", cancellationToken).ConfigureAwait(false);
        await RunAsync(part, $"make {makeOptions}", source, environment, "make", cancellationToken).ConfigureAwait(false);
        await RunAsync(part, $"make {makeOptions} {targets}", source, environment, "make install", cancellationToken).ConfigureAwait(false);
        Directory.Delete(build, recursive: true);
        return [prefix];
    }

    private static async Task RunAsync(BuildoutPartContext part, string command, string directory, Dictionary<string, string> environment, string step, CancellationToken cancellationToken)
    {
        var exit = await part.RunShellAsync(command, environment, cancellationToken, directory).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new BuildoutException($"The {step} step of [{part.PartName}] failed with exit code {exit}.");
        }
    }

    private static string Join(string? lines) =>
        lines is null ? string.Empty : string.Join(' ', lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
