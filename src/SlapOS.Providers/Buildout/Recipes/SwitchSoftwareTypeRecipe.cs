namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// <c>switch-softwaretype</c> (<c>slapos.cookbook:switch-softwaretype</c>): picks the profile
/// named by the partition's software type (an option per type, <c>default</c> otherwise) and
/// runs it as a nested buildout in the same directory, with its own installed-state file
/// (<c>.installed-switch-softwaretype.cfg</c>) and the <c>[slap-connection]</c> sections.
/// </summary>
internal sealed class SwitchSoftwareTypeRecipe : IBuildoutRecipe
{
    public void Initialize(BuildoutPartContext part)
    {
        var partition = part.Partition
            ?? throw new BuildoutException($"The part [{part.PartName}] (switch-softwaretype) needs a partition: it only works in an instance profile.");
        var type = string.IsNullOrEmpty(partition.SoftwareType) ? InstanceRequest.DefaultSoftwareType : partition.SoftwareType;
        var choice = part[type]
            ?? part["default"]
            ?? throw new BuildoutException($"The part [{part.PartName}] has no profile for the software type '{type}' (and no 'default').");
        choice = choice.Trim();

        // The old form names an option ("section:option") instead of giving the path.
        if (!File.Exists(choice) && choice.Split(':') is [var section, var option] && part.GetOption(section, option) is { } path)
        {
            choice = path.Trim();
        }

        part.Set("__profile__", choice);
        part.Set("__software_type__", type);
    }

    public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        await RunAsync(part, cancellationToken).ConfigureAwait(false);
        return [];
    }

    public async Task<IReadOnlyList<string>?> UpdateAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        await RunAsync(part, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static async Task RunAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        var profile = part.Require("__profile__");
        if (!File.Exists(profile))
        {
            throw new BuildoutException($"The profile '{profile}' chosen by [{part.PartName}] for the software type '{part["__software_type__"]}' does not exist.");
        }

        var overrides = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
        {
            ["buildout"] = new(StringComparer.Ordinal)
            {
                ["directory"] = part.BuildoutDirectory,
                ["installed"] = Path.Combine(part.BuildoutDirectory, ".installed-switch-softwaretype.cfg"),
                ["offline"] = part.Offline ? "true" : "false",
            },
        };
        foreach (var section in new[] { "slap-connection", "slap_connection", "storage-configuration", "network-information" })
        {
            if (part.Profile.HasSection(section))
            {
                overrides[section] = new Dictionary<string, string>(part.Profile.GetOptions(section), StringComparer.Ordinal);
            }
        }

        await part.Log.WriteLineAsync($"[{part.PartName}] running {profile} for the software type '{part["__software_type__"]}'.").ConfigureAwait(false);
        await new BuildoutEngine(part.Profile.Recipes).RunAsync(profile, part.Environment, overrides, cancellationToken).ConfigureAwait(false);
    }
}
