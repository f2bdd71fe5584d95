using System.Diagnostics;
using System.Text;

namespace SlapOS.Templates.Tests;

/// <summary>What a finished <c>dotnet</c> command said.</summary>
internal sealed record DotnetRun(string Command, int ExitCode, string Output)
{
    /// <summary>Fails the test with the command's output when it did not exit 0.</summary>
    public DotnetRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"`{Command}` exited with {ExitCode}:\n{Output}");
        return this;
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/> and the given environment, to its end.</summary>
    public static async Task<DotnetRun> RunAsync(string directory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = Pump(process.StandardOutput, output);
        var stderr = Pump(process.StandardError, output);
        try
        {
            // A bound on a stuck command (a restore that never ends), not a timing assertion.
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr);
        return new DotnetRun("dotnet " + string.Join(' ', arguments), process.ExitCode, output.ToString());
    }

    private static async Task Pump(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
