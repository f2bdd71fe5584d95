using Microsoft.Extensions.Logging.Abstractions;
using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>The install steps both buildout installers share (<see cref="BuildoutRun"/>), around a stand-in for buildout.</summary>
public sealed class BuildoutRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("slapos-buildout-run-").FullName;

    public void Dispose() => BuildoutRun.DeleteTree(_root);

    private static BuildoutRun Run => new("a test engine", 2, NullLogger.Instance);

    [Fact]
    public async Task A_release_is_marked_complete_after_its_run_and_not_run_again()
    {
        var build = new SoftwareBuild("https://example.com/sr/software.cfg", _root);
        var runs = 0;

        for (var i = 0; i < 2; i++)
        {
            await Run.InstallSoftwareAsync(build, (step, _) =>
            {
                runs++;
                Assert.Equal(build.InstallDirectory, step.Directory);
                Assert.Equal($"[buildout]\nextends = {build.SoftwareReleaseUrl}\n", File.ReadAllText(step.Profile));
                return Task.CompletedTask;
            }, CancellationToken.None);
        }

        Assert.Equal(1, runs);
        Assert.True(BuildoutRun.IsComplete(build));
    }

    [Fact]
    public async Task A_failed_run_is_not_complete_and_carries_the_log_tail()
    {
        var build = new SoftwareBuild("https://example.com/sr/broken.cfg", _root);

        var error = await Assert.ThrowsAsync<SoftwareInstallerException>(() => Run.InstallSoftwareAsync(build, async (step, _) =>
        {
            await step.Log.WriteLineAsync("line one");
            await step.Log.WriteLineAsync("line two");
            throw new InvalidOperationException("recipe exploded");
        }, CancellationToken.None));

        Assert.False(BuildoutRun.IsComplete(build));
        Assert.Equal($"Installing the software release {build.SoftwareReleaseUrl} with a test engine failed: recipe exploded", error.Message);
        Assert.Equal("line two\nError: recipe exploded", error.LogTail);
    }

    [Fact]
    public async Task Removing_a_release_deletes_its_directory()
    {
        var build = new SoftwareBuild("https://example.com/sr/software.cfg", _root);
        Directory.CreateDirectory(build.InstallDirectory);
        await BuildoutRun.MarkCompleteAsync(build, null, CancellationToken.None);

        Run.RemoveSoftware(build);

        Assert.False(Directory.Exists(build.InstallDirectory));
    }
}
