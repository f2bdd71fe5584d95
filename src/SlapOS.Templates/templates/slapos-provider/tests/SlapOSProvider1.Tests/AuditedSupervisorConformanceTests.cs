using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SlapOS;
using SlapOS.Testing;

namespace SlapOSProvider1.Tests;

/// <summary>
/// The contract of every SlapOS process supervisor (SlapOS.Testing's conformance suite), run against
/// <see cref="AuditedSupervisor"/> as a node registers it: each test of the suite appears here in the test run.
/// </summary>
public sealed class AuditedSupervisorConformanceTests : ProcessSupervisorConformanceTests
{
    protected override IProcessSupervisor CreateSupervisor(string stateDirectory)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        new NodeBuilder(services).UseAuditedSupervisor(options =>
        {
            // Short delays so that restarts happen within the suite's waits.
            options.StateDirectory = stateDirectory;
            options.InitialBackoff = TimeSpan.FromMilliseconds(50);
            options.MaxBackoff = TimeSpan.FromMilliseconds(400);
            options.StartSeconds = TimeSpan.FromMilliseconds(100);
            options.StartRetries = 5;
            options.AdoptedPollInterval = TimeSpan.FromMilliseconds(50);
        });
        return services.BuildServiceProvider().GetRequiredService<IProcessSupervisor>();
    }

    protected override ValueTask ReleaseAsync(IProcessSupervisor supervisor) => ((AuditedSupervisor)supervisor).DisposeAsync();

    private sealed class NodeBuilder(IServiceCollection services) : ISlapOSSlaveBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
