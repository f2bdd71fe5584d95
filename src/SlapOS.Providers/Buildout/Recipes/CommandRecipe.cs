namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>command</c> (<c>plone.recipe.command</c>): runs <c>command</c> with <c>/bin/sh</c> on install
/// and <c>update-command</c> on update, in the buildout directory. A failure stops the run only
/// with <c>stop-on-error = true</c> (as plone.recipe.command); the output goes to the log.
/// <c>location</c> lines are the paths recorded as created.
/// </summary>
internal sealed class CommandRecipe : IBuildoutRecipe
{
    public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        await RunAsync(part, part.Require("command"), cancellationToken).ConfigureAwait(false);
        return (part["location"] ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public async Task<IReadOnlyList<string>?> UpdateAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        if (part["update-command"] is { } update && !string.IsNullOrWhiteSpace(update))
        {
            await RunAsync(part, update, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    private static async Task RunAsync(BuildoutPartContext part, string command, CancellationToken cancellationToken)
    {
        var environment = BuildoutFiles.ParseEnvironment(part["environment"], part.PartName);
        var exit = await part.RunShellAsync(command, environment, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            if (part.GetBoolean("stop-on-error", false))
            {
                throw new BuildoutException($"The command of [{part.PartName}] failed with exit code {exit}.");
            }

            await part.Log.WriteLineAsync($"The command of [{part.PartName}] failed with exit code {exit} (stop-on-error is off).").ConfigureAwait(false);
        }
    }
}
