using SlapOS.Providers.Supervision;

namespace SlapOS.Providers.Tests.Supervision;

/// <summary>The supervisor contract, run against the native supervisor.</summary>
public sealed class NativeSupervisorConformanceTests : ProcessSupervisorConformanceTests
{
    protected override IProcessSupervisor CreateSupervisor(string stateDirectory) =>
        NativeSupervisorFactory.Create(stateDirectory);

    protected override ValueTask ReleaseAsync(IProcessSupervisor supervisor) => ((NativeSupervisor)supervisor).DisposeAsync();
}
