using System.Diagnostics;
using System.Text;

namespace SlapOS.Tests.Repository;

/// <summary>
/// A clone alone builds and passes its tests: no tracked file (tests, scripts, samples, benchmarks,
/// docs) points at the developers' capture directory beside the checkout.
/// </summary>
public sealed class SelfContainedRepositoryTests
{
    // Built from pieces so that this file does not mention it itself.
    private static readonly string[] Forbidden = [string.Concat("..", "/", "shared"), string.Concat("..", "\\", "shared")];

    [Fact]
    public async Task No_tracked_file_mentions_the_shared_directory_beside_the_checkout()
    {
        var files = await TrackedFilesAsync();
        Assert.Contains("tests/SlapOS.Abstractions.Tests/Repository/SelfContainedRepositoryTests.cs", files);
        Assert.Contains("tests/fixtures/slap-wire/exchanges.jsonl", files);

        var offenders = new List<string>();
        foreach (var file in files)
        {
            var path = RepositoryRoot.Combine(file.Split('/'));
            if (!File.Exists(path))
            {
                continue; // deleted in the working tree, not yet committed
            }

            var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(path));
            offenders.AddRange(Forbidden.Where(f => text.Contains(f, StringComparison.Ordinal)).Select(f => $"{file}: {f}"));
        }

        Assert.Empty(offenders);
    }

    private static async Task<List<string>> TrackedFilesAsync()
    {
        var start = new ProcessStartInfo("git", ["-C", RepositoryRoot.Path, "ls-files", "-z"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git ls-files in {RepositoryRoot.Path}: {await error}");
        return [.. (await output).Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }
}
