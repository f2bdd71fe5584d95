using System.Diagnostics;

namespace SlapOS.Tests.Repository;

/// <summary>
/// docs/architecture.md draws the packages from the project references (scripts/architecture.sh): a reference added
/// or removed without running the script fails here, with the picture expected.
/// </summary>
public sealed class ArchitectureDocumentTests
{
    [Fact]
    public async Task The_package_picture_matches_the_project_references()
    {
        var start = new ProcessStartInfo("bash", [RepositoryRoot.Combine("scripts", "architecture.sh"), "--check"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var script = Process.Start(start)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync();

        Assert.True(script.ExitCode == 0, $"scripts/architecture.sh --check: {await error}{await output}");
    }

    [Fact]
    public void The_picture_shows_the_wire_package_between_the_engines_and_the_model()
    {
        var document = File.ReadAllText(RepositoryRoot.Combine("docs", "architecture.md"));

        Assert.Contains("SlapOS_Protocol --> SlapOS_Abstractions", document, StringComparison.Ordinal);
        Assert.Contains("SlapOS_Master --> SlapOS_Protocol", document, StringComparison.Ordinal);
        Assert.Contains("SlapOS_Slave --> SlapOS_Protocol", document, StringComparison.Ordinal);
        Assert.DoesNotContain("SlapOS_Abstractions --> ", document, StringComparison.Ordinal);
    }
}
