using SlapOS.Providers.Supervisord;
using SlapOS.Providers.Tests.Supervision;

namespace SlapOS.Providers.Tests.Supervisord;

/// <summary>
/// The supervisor contract, run against a real supervisord (one private daemon per test). It runs
/// with <see cref="SupervisordOptions.GroupPerProgram"/>: with SlapOS's one group per partition,
/// supervisord restarts a whole group when one of its programs changes (see <see cref="SupervisordTests"/>).
/// </summary>
public sealed class SupervisordConformanceTests : ProcessSupervisorConformanceTests, IAsyncLifetime
{
    // Outside the base class's Root, so that its clean-up (which kills whatever mentions Root) leaves
    // supervisord to the graceful shutdown below.
    private readonly string daemonDirectory = Directory.CreateTempSubdirectory("slapos-supd-").FullName;

    async Task IAsyncLifetime.DisposeAsync()
    {
        try
        {
            await DisposeAsync();
        }
        finally
        {
            await SupervisordFactory.ShutdownAndDeleteAsync(daemonDirectory, daemonDirectory);
        }
    }

    protected override IProcessSupervisor CreateSupervisor(string stateDirectory)
    {
        // One node per test: the state directory is the same for every supervisor of a test.
        Assert.Equal(StateDirectory, stateDirectory);
        return SupervisordFactory.Create(daemonDirectory, o => o.GroupPerProgram = true);
    }

    protected override ValueTask ReleaseAsync(IProcessSupervisor supervisor) => ((SupervisordSupervisor)supervisor).DisposeAsync();
}
