using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Supervisord;

namespace SlapOS.Providers.Tests.Supervisord;

/// <summary>Supervisord providers for tests: a private supervisord per directory, quick polls.</summary>
internal static class SupervisordFactory
{
    public static SupervisordOptions Options(string directory, Action<SupervisordOptions>? configure = null)
    {
        var options = new SupervisordOptions
        {
            Directory = directory,
            StartSeconds = 0,
            StartRetries = 3,
            PollInterval = TimeSpan.FromMilliseconds(100),
            DaemonTimeout = TimeSpan.FromSeconds(30),
        };
        configure?.Invoke(options);
        return options;
    }

    public static SupervisordSupervisor Create(string directory, Action<SupervisordOptions>? configure = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(directory, configure)), NullLogger<SupervisordSupervisor>.Instance, TimeProvider.System);

    /// <summary>
    /// Shuts down the supervisord whose files are in <paramref name="daemonDirectory"/> (if any), then
    /// kills whatever still mentions <paramref name="root"/> and deletes it.
    /// </summary>
    public static async Task ShutdownAndDeleteAsync(string daemonDirectory, string root)
    {
        try
        {
            await using var supervisor = Create(daemonDirectory);
            await supervisor.ShutdownDaemonAsync(CancellationToken.None);
        }
        finally
        {
            ProcessProbe.KillAll(root);
            Directory.Delete(root, recursive: true);
        }
    }
}
