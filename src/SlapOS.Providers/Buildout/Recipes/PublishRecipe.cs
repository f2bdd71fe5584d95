namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>publish</c> (<c>slapos.cookbook:publish</c>): every option but <c>recipe</c> becomes a
/// connection parameter; with <c>-slave-reference</c>, those of that shared instance. Publishes on
/// install and on every update, so a run always returns the full set.
/// </summary>
internal sealed class PublishRecipe : IBuildoutRecipe
{
    public Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        Publish(part);
        return Task.FromResult<IReadOnlyList<string>>([]);
    }

    public Task<IReadOnlyList<string>?> UpdateAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        Publish(part);
        return Task.FromResult<IReadOnlyList<string>?>(null);
    }

    private static void Publish(BuildoutPartContext part)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in part.OptionNames)
        {
            if (option is "recipe" or "-slave-reference" or "-extends" || option.StartsWith("__", StringComparison.Ordinal) || option.StartsWith('_'))
            {
                continue;
            }

            parameters[option] = part[option]!;
        }

        part.Publish(parameters, part["-slave-reference"]);
    }
}
