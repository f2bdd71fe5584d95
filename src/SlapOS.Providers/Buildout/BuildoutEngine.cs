using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SlapOS.Providers.Buildout;

/// <summary>
/// Runs a buildout profile in a directory, as <c>bin/buildout</c> does: loads it (with its
/// extends), evaluates it, uninstalls parts that were removed or changed, installs new and changed
/// parts and updates unchanged ones, recording everything in <c>.installed.cfg</c>.
/// </summary>
internal sealed class BuildoutEngine(Func<string, IBuildoutRecipe?> recipes, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>The <c>[buildout]</c> defaults, overridden by the profile.</summary>
    public static Dictionary<string, Dictionary<string, string>> Defaults(string directory, bool offline) => new(StringComparer.Ordinal)
    {
        ["buildout"] = new(StringComparer.Ordinal)
        {
            ["directory"] = directory,
            ["installed"] = "${buildout:directory}/.installed.cfg",
            ["parts-directory"] = "${buildout:directory}/parts",
            ["bin-directory"] = "${buildout:directory}/bin",
            ["eggs-directory"] = "${buildout:directory}/eggs",
            ["develop-eggs-directory"] = "${buildout:directory}/develop-eggs",
            ["offline"] = offline ? "true" : "false",
            ["parts"] = string.Empty,
        },
    };

    /// <summary>Loads and evaluates a profile and its parts without installing anything (parse + substitution).</summary>
    public async Task<BuildoutProfile> LoadAsync(string profile, BuildoutEnvironment environment, IReadOnlyDictionary<string, Dictionary<string, string>>? overrides, CancellationToken cancellationToken)
    {
        var evaluated = await OpenAsync(profile, environment, overrides, cancellationToken).ConfigureAwait(false);
        evaluated.InitializeParts();
        return evaluated;
    }

    /// <summary>Loads a profile (with its extends); sections are evaluated when used.</summary>
    public async Task<BuildoutProfile> OpenAsync(string profile, BuildoutEnvironment environment, IReadOnlyDictionary<string, Dictionary<string, string>>? overrides, CancellationToken cancellationToken)
    {
        var raw = await BuildoutProfileLoader.LoadAsync(
            profile,
            Defaults(environment.Directory, environment.Downloader.Offline),
            overrides ?? new Dictionary<string, Dictionary<string, string>>(),
            environment.Downloader,
            cancellationToken).ConfigureAwait(false);
        var evaluated = new BuildoutProfile(raw, recipes, environment);
        if (BuildoutProfileLoader.IsTrue(evaluated.Get("buildout", "offline")))
        {
            environment.Downloader.Offline = true;
        }

        return evaluated;
    }

    public async Task RunAsync(string profile, BuildoutEnvironment environment, IReadOnlyDictionary<string, Dictionary<string, string>>? overrides, CancellationToken cancellationToken)
    {
        var evaluated = await LoadAsync(profile, environment, overrides, cancellationToken).ConfigureAwait(false);
        var directory = evaluated.Get("buildout", "directory")!;
        foreach (var created in new[] { evaluated.Get("buildout", "parts-directory")!, evaluated.Get("buildout", "bin-directory")! }.Select(Path.GetFullPath))
        {
            if (!Directory.Exists(created))
            {
                Directory.CreateDirectory(created);
                environment.Owner?.OwnEntry(created);
            }
        }

        var installedFile = evaluated.Get("buildout", "installed")!;
        var state = BuildoutInstalledState.Read(installedFile);
        var parts = evaluated.Parts;

        var signatures = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            var options = new Dictionary<string, string>(evaluated.GetOptions(part), StringComparer.Ordinal);
            options[BuildoutInstalledState.SignatureOption] = BuildoutInstalledState.Signature(options["recipe"], options);
            signatures[part] = options;
        }

        // Uninstall, last installed first, what is gone or changed (or lost one of its files).
        for (var i = state.Parts.Count - 1; i >= 0; i--)
        {
            var part = state.Parts[i];
            var old = state.Options[part];
            if (signatures.TryGetValue(part, out var current)
                && old.TryGetValue(BuildoutInstalledState.SignatureOption, out var oldSignature)
                && oldSignature == current[BuildoutInstalledState.SignatureOption]
                && BuildoutInstalledState.InstalledPaths(old).All(p => Path.Exists(Rooted(directory, p))))
            {
                continue;
            }

            await UninstallAsync(part, old, directory, environment, cancellationToken).ConfigureAwait(false);
            state.Parts.RemoveAt(i);
            state.Options.Remove(part);
            state.Write(installedFile);
        }

        foreach (var part in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var section = evaluated.GetSection(part, null, null);
            var context = section.Context!;
            var options = signatures[part];
            if (state.Options.TryGetValue(part, out var old))
            {
                BuildoutLog.UpdatingPart(_logger, part, directory);
                await environment.Log.WriteLineAsync($"Updating {part}.").ConfigureAwait(false);
                IReadOnlyList<string>? added;
                try
                {
                    added = await section.Recipe!.UpdateAsync(context, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // A failed update leaves the part uninstalled, so that the next run installs it again.
                    await UninstallAsync(part, old, directory, environment, CancellationToken.None).ConfigureAwait(false);
                    state.Parts.Remove(part);
                    state.Options.Remove(part);
                    state.Write(installedFile);
                    throw;
                }

                if (added is { Count: > 0 })
                {
                    var paths = BuildoutInstalledState.InstalledPaths(old).ToList();
                    paths.AddRange(added.Where(a => !paths.Contains(a)));
                    old[BuildoutInstalledState.InstalledOption] = string.Join('\n', paths);
                    OwnAll(context, added);
                    state.Write(installedFile);
                }

                continue;
            }

            BuildoutLog.InstallingPart(_logger, part, options["recipe"], directory);
            await environment.Log.WriteLineAsync($"Installing {part}.").ConfigureAwait(false);
            var created = await section.Recipe!.InstallAsync(context, cancellationToken).ConfigureAwait(false);
            OwnAll(context, created);
            var saved = new Dictionary<string, string>(options, StringComparer.Ordinal)
            {
                [BuildoutInstalledState.InstalledOption] = string.Join('\n', created),
            };
            state.Parts.Add(part);
            state.Options[part] = saved;
            state.Write(installedFile);
        }

        if (state.Parts.Count == 0)
        {
            File.Delete(installedFile);
        }
    }

    private static void OwnAll(BuildoutPartContext context, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            context.Own(Rooted(context.BuildoutDirectory, path));
        }
    }

    private async Task UninstallAsync(string part, Dictionary<string, string> old, string directory, BuildoutEnvironment environment, CancellationToken cancellationToken)
    {
        BuildoutLog.UninstallingPart(_logger, part, directory);
        await environment.Log.WriteLineAsync($"Uninstalling {part}.").ConfigureAwait(false);
        if (old.TryGetValue("recipe", out var recipeName) && recipes(BuildoutProfile.NormalizeRecipeName(recipeName)) is { } recipe)
        {
            await recipe.UninstallAsync(new BuildoutUninstallContext(part, old, directory, environment.Log), cancellationToken).ConfigureAwait(false);
        }

        foreach (var path in BuildoutInstalledState.InstalledPaths(old))
        {
            var full = Rooted(directory, path);
            if (Directory.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReparsePoint) == 0)
            {
                Directory.Delete(full, recursive: true);
            }
            else if (File.Exists(full) || Directory.Exists(full))
            {
                File.Delete(full);
            }
        }
    }

    private static string Rooted(string directory, string path) => Path.IsPathRooted(path) ? path : Path.Combine(directory, path);
}
