namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>mkdirectory</c> (<c>slapos.cookbook:mkdirectory</c>): every option but <c>recipe</c> and
/// <c>mode</c> is a directory to create (with its parents; default mode 0700). Directories hold
/// data, so, as in SlapOS, they are not recorded and never removed on uninstall.
/// </summary>
internal sealed class MkDirectoryRecipe : IBuildoutRecipe
{
    public Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        Create(part);
        return Task.FromResult<IReadOnlyList<string>>([]);
    }

    public Task<IReadOnlyList<string>?> UpdateAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        Create(part);
        return Task.FromResult<IReadOnlyList<string>?>(null);
    }

    private static void Create(BuildoutPartContext part)
    {
        var mode = BuildoutFiles.ParseMode(part["mode"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, part.PartName);
        foreach (var option in part.OptionNames)
        {
            if (option is "recipe" or "mode" || option.StartsWith('_') || option.StartsWith('<'))
            {
                continue;
            }

            var path = part[option]!.Trim();
            if (path.Length == 0)
            {
                continue;
            }

            var full = Path.IsPathRooted(path) ? path : Path.Combine(part.BuildoutDirectory, path);
            if (Directory.Exists(full))
            {
                continue;
            }

            // Create missing parents one by one so that each gets the mode and the owner.
            var missing = new Stack<string>();
            for (var d = full; !string.IsNullOrEmpty(d) && !Directory.Exists(d); d = Path.GetDirectoryName(d))
            {
                missing.Push(d);
            }

            while (missing.Count > 0)
            {
                var d = missing.Pop();
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(d);
                }
                else
                {
                    Directory.CreateDirectory(d, mode);
                    File.SetUnixFileMode(d, mode);
                }

                part.Own(d);
            }
        }
    }
}
