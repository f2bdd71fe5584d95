namespace SlapOS.Providers.Buildout;

/// <summary>
/// A buildout recipe written in C#: what a part's <c>recipe = name</c> runs. Registered by name
/// with <c>AddRecipe&lt;T&gt;("name")</c>; one instance is created per part and per run.
/// </summary>
public interface IBuildoutRecipe
{
    /// <summary>
    /// Called when the part's section is first used, before any other section reads its options
    /// (as a zc.buildout recipe's constructor): may compute options with <see cref="BuildoutPartContext.Set"/>.
    /// Everything set here is part of the part's signature: a change reinstalls the part.
    /// </summary>
    void Initialize(BuildoutPartContext part)
    {
    }

    /// <summary>Installs the part; returns the paths it created, removed when the part is uninstalled.</summary>
    Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken);

    /// <summary>
    /// Called instead of <see cref="InstallAsync"/> when the part's options did not change; returns
    /// paths created in addition to those recorded at install, or <see langword="null"/>.
    /// </summary>
    Task<IReadOnlyList<string>?> UpdateAsync(BuildoutPartContext part, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>?>(null);

    /// <summary>Called before the recorded paths of a removed or changed part are deleted.</summary>
    Task UninstallAsync(BuildoutUninstallContext part, CancellationToken cancellationToken) => Task.CompletedTask;
}
