namespace SlapOS.Providers.Buildout;

/// <summary>A part being uninstalled: its name and the options it was installed with.</summary>
/// <param name="PartName">The part (section) name.</param>
/// <param name="Options">The options recorded in the installed-state file.</param>
/// <param name="BuildoutDirectory">The buildout directory.</param>
/// <param name="Log">The run's log.</param>
public sealed record BuildoutUninstallContext(
    string PartName,
    IReadOnlyDictionary<string, string> Options,
    string BuildoutDirectory,
    TextWriter Log);
