using SlapOS.Providers.Buildout;

namespace SlapOSRecipe1;

/// <summary>
/// Writes a greeting file, as a part of a buildout profile says:
/// <code>
/// [greeting]
/// recipe = SlapOSRecipe1:greeting
/// output = ${buildout:directory}/etc/greeting.txt
/// name = World
/// </code>
/// The part publishes <c>greeting</c> (visible as <c>${greeting:greeting}</c> to other parts); the file is removed
/// when the part is uninstalled, and rewritten when an option changes.
/// </summary>
public sealed class GreetingRecipe : IBuildoutRecipe
{
    /// <summary>The name a profile's <c>recipe =</c> uses.</summary>
    public const string RecipeName = "SlapOSRecipe1:greeting";

    /// <inheritdoc />
    public void Initialize(BuildoutPartContext part)
    {
        ArgumentNullException.ThrowIfNull(part);
        part.Set("greeting", $"Hello {part["name"] ?? "World"}");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part);
        var output = part.Require("output");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, part.Require("greeting") + "\n", cancellationToken);
        part.Own(output);
        await part.Log.WriteLineAsync($"[{part.PartName}] wrote {output}");
        return [output];
    }
}
