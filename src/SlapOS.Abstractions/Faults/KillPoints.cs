using System.Diagnostics;
using System.Globalization;

namespace SlapOS;

/// <summary>
/// Named places in the node where fault-injection tests make the process die at once, as a power
/// cut or the OOM killer would (SIGKILL to itself: no <c>finally</c>, no flush, no disposal), to prove
/// that the next run converges with nothing duplicated or lost (docs/hardening.md).
/// Inert unless the environment variable <see cref="EnvironmentVariable"/> is set when the process starts:
/// <list type="bullet">
/// <item><c>name</c> or <c>name#N</c>: die the first (N-th) time a point called <c>name</c> is reached; <c>name</c> is
/// a point (<c>supervisor.launched</c>) or a point and its subject (<c>supervisor.launched:slappart1:hello</c>);</item>
/// <item><c>N</c> (a number): die at the N-th point reached, whatever its name;</item>
/// <item><c>trace</c>: die nowhere, print every point reached.</item>
/// </list>
/// Each point reached while armed is written to standard error first (<c>slapos: kill point N name</c>),
/// and the point that kills writes <c>slapos: killed at kill point N name (detail)</c>.
/// </summary>
public static class KillPoints
{
    /// <summary>The environment variable that arms a kill point.</summary>
    public const string EnvironmentVariable = "SLAPOS_KILL_AT";

    private static readonly Lock Sync = new();
    private static readonly KillPointArming? Armed = KillPointArming.Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));
    private static int reached;
    private static int matched;

    /// <summary>Whether a kill point is armed (or traced) in this process.</summary>
    public static bool IsArmed => Armed is not null;

    /// <summary>
    /// Marks a place where a crash matters: dies here when this place is the armed one.
    /// </summary>
    /// <param name="point">The point's name, e.g. <c>supervisor.launched</c>.</param>
    /// <param name="subject">What it acts on (a partition, <c>group:program</c>), or null.</param>
    /// <param name="detail">What a test may check after the kill (a pid, a path), or null.</param>
    public static void Reach(string point, string? subject = null, string? detail = null)
    {
        if (Armed is null)
        {
            return;
        }

        var name = subject is null ? point : point + ":" + subject;
        lock (Sync)
        {
            var index = ++reached;
            var kill = Armed.Nth is int nth
                ? index == nth
                : Armed.Name is { } wanted && (wanted == point || wanted == name) && ++matched == Armed.Occurrence;
            Console.Error.WriteLine(kill
                ? string.Create(CultureInfo.InvariantCulture, $"slapos: killed at kill point {index} {name} ({detail})")
                : string.Create(CultureInfo.InvariantCulture, $"slapos: kill point {index} {name}"));
            Console.Error.Flush();
            if (kill)
            {
                // SIGKILL to ourselves (Process.Kill on Unix): nothing after this line runs, not even under the lock.
                using var self = Process.GetCurrentProcess();
                self.Kill();
                Thread.Sleep(Timeout.Infinite);
            }
        }
    }
}
