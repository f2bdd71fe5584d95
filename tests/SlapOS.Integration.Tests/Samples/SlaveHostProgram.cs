using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace SlapOS.Integration.Tests.Samples;

/// <summary>The node host sample (<c>samples/SlapOS.Samples.SlaveHost</c>) run as a process, its output in the test's.</summary>
internal static class SlaveHostProgram
{
    /// <summary>
    /// Starts the built sample in <paramref name="directory"/> with <paramref name="arguments"/> (command-line
    /// configuration); its output lines also go to <paramref name="lines"/> when given.
    /// </summary>
    public static Process Start(ITestOutputHelper output, string directory, IEnumerable<string> arguments, ConcurrentQueue<string>? lines = null)
    {
        var start = new ProcessStartInfo("dotnet", [MasterHostProgram.SamplePath("SlapOS.Samples.SlaveHost"), .. arguments])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Line(string? line)
        {
            output.WriteLine("node: " + line);
            if (line is not null)
            {
                lines?.Enqueue(line);
            }
        }
    }

    /// <summary>Kills the node and what it started (its in-process supervisor's programs too), if it still runs.</summary>
    public static async Task StopAsync(Process? node)
    {
        if (node is { HasExited: false })
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }

        node?.Dispose();
    }
}
