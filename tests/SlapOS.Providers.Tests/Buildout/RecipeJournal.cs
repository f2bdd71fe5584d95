using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

/// <summary>Records what test recipes were asked to do, per test (no shared state).</summary>
internal sealed class RecipeJournal
{
    public List<string> Entries { get; } = [];

    public int Count(string action, string part) => Entries.Count(e => e == $"{action} {part}");

    public Func<string, IBuildoutRecipe?> Recipes => name => name == "test" ? new JournalRecipe(this) : null;

    /// <summary>Writes <c>${:path}</c> (if given) and records install/update/uninstall.</summary>
    private sealed class JournalRecipe(RecipeJournal journal) : IBuildoutRecipe
    {
        public async Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken)
        {
            journal.Entries.Add($"install {part.PartName}");
            if (part["path"] is { } path)
            {
                await File.WriteAllTextAsync(path, part["content"] ?? part.PartName, cancellationToken);
                return [path];
            }

            return [];
        }

        public Task<IReadOnlyList<string>?> UpdateAsync(BuildoutPartContext part, CancellationToken cancellationToken)
        {
            journal.Entries.Add($"update {part.PartName}");
            return Task.FromResult<IReadOnlyList<string>?>(null);
        }

        public Task UninstallAsync(BuildoutUninstallContext part, CancellationToken cancellationToken)
        {
            journal.Entries.Add($"uninstall {part.PartName}");
            return Task.CompletedTask;
        }
    }
}
