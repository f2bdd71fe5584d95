using Microsoft.Extensions.Hosting;
using SlapOS.Master.Administration;

namespace SlapOS;

/// <summary>The master host's own commands (run instead of serving), implemented once for every host.</summary>
public static class SlapOSMasterCommandExtensions
{
    /// <summary>
    /// When <paramref name="args"/> name a master command (<c>admin issue --person P --out DIR</c>: the first
    /// administrator's certificate, made locally by whoever can read the CA), runs it with the host's services and
    /// configuration and returns its exit code; otherwise returns null and the host serves as usual:
    /// <c>if (await app.RunSlapOSMasterCommandAsync(args) is { } exitCode) return exitCode;</c>
    /// </summary>
    public static Task<int?> RunSlapOSMasterCommandAsync(this IHost host, string[] args, CancellationToken cancellationToken = default) =>
        RunSlapOSMasterCommandAsync(host, args, Console.Out, Console.Error, cancellationToken);

    /// <summary>As <see cref="RunSlapOSMasterCommandAsync(IHost, string[], CancellationToken)"/>, writing to the given output and error.</summary>
    public static async Task<int?> RunSlapOSMasterCommandAsync(this IHost host, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!MasterCommandLine.IsCommand(args))
        {
            return null;
        }

        return await MasterCommandLine.RunAsync(host.Services, args, output, error, cancellationToken).ConfigureAwait(false);
    }
}
