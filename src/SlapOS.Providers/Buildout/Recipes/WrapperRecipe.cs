using System.Text;

namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>wrapper</c> (<c>slapos.cookbook:wrapper</c>): writes an executable <c>/bin/sh</c> script at
/// <c>wrapper-path</c> that exports the <c>environment</c> lines (<c>KEY=VALUE</c>) and
/// <c>exec</c>s <c>command-line</c> (passing its own arguments when <c>parameters-extra</c> is true).
/// </summary>
internal sealed class WrapperRecipe : IBuildoutRecipe
{
    public void Initialize(BuildoutPartContext part)
    {
        part.Require("command-line");
        part.Require("wrapper-path");
    }

    public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        var path = part.Require("wrapper-path").Trim();
        var command = string.Join(' ', part.Require("command-line").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var script = new StringBuilder("#!/bin/sh\n");
        script.Append("# Written by the buildout part [").Append(part.PartName).Append("]: changes are overwritten.\n");
        foreach (var (key, value) in BuildoutFiles.ParseEnvironment(part["environment"], part.PartName))
        {
            script.Append("export ").Append(key).Append('=').Append(Quote(value)).Append('\n');
        }

        script.Append("exec ").Append(command);
        if (part.GetBoolean("parameters-extra", false))
        {
            script.Append(" \"$@\"");
        }

        script.Append('\n');
        await BuildoutFiles.WriteAsync(path, script.ToString(), BuildoutFiles.ParseMode(part["mode"], (UnixFileMode)0b111_101_101, part.PartName), cancellationToken).ConfigureAwait(false);
        part.Own(path);
        return [path];
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
