using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Supervision;

namespace SlapOS.Providers.Tests.Supervision;

/// <summary>Native supervisors with short delays, for tests.</summary>
internal static class NativeSupervisorFactory
{
    public static NativeSupervisor Create(string stateDirectory, Action<NativeSupervisorOptions>? configure = null)
    {
        var options = new NativeSupervisorOptions
        {
            StateDirectory = stateDirectory,
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
            StartSeconds = TimeSpan.FromMilliseconds(100),
            StartRetries = 5,
            AdoptedPollInterval = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        return new NativeSupervisor(Options.Create(options), NullLogger<NativeSupervisor>.Instance, TimeProvider.System);
    }
}
