using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Formatting;

/// <summary>
/// Runs the system tools the root formatter uses (<c>ip</c>, <c>useradd</c>, …). Queries always run;
/// changes are only logged in dry-run mode.
/// </summary>
internal sealed class HostCommands(ILogger logger, bool dryRun)
{
    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The account tools take locks on /etc/passwd: run them one at a time in this process.</summary>
    private static readonly SemaphoreSlim AccountsGate = new(1, 1);

    public bool DryRun => dryRun;

    /// <summary>Runs a read-only command; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> QueryAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Resolve(tool))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["LC_ALL"] = "C" },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {tool}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs a command that changes the host (only logs it in dry-run); throws with its error output when it fails.</summary>
    public async Task ChangeAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var line = tool + " " + string.Join(' ', arguments);
        if (dryRun)
        {
            LinuxFormatterLog.WouldRun(logger, line);
            return;
        }

        var accounts = tool is "useradd" or "groupadd" or "userdel" or "groupdel" or "usermod";
        if (accounts)
        {
            await AccountsGate.WaitAsync(cancellationToken);
        }

        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var (code, _, error) = await QueryAsync(tool, arguments, cancellationToken);
                if (code == 0)
                {
                    LinuxFormatterLog.Ran(logger, line);
                    return;
                }

                // Another process (not this one) may hold the account files' lock for a moment.
                if (accounts && attempt < 5 && error.Contains("lock", StringComparison.OrdinalIgnoreCase))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
                    continue;
                }

                throw new InvalidOperationException($"'{line}' failed with exit code {code}: {error.Trim()}");
            }
        }
        finally
        {
            if (accounts)
            {
                AccountsGate.Release();
            }
        }
    }

    private static string Resolve(string tool) =>
        SearchPath.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) ?? tool;
}
