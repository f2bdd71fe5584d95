using System.Diagnostics;

namespace SlapOS.Templates.Tests;

/// <summary>A built instance run as a real process (<c>dotnet X.dll</c>), its output kept line by line; killed with its children on dispose.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly Task pumps;

    private HostProcess(Process process)
    {
        this.process = process;
        pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (lines)
            {
                return string.Join('\n', lines);
            }
        }
    }

    public static HostProcess Start(string dll, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [dll, .. arguments])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new HostProcess(Process.Start(start)!);
    }

    /// <summary>Waits for a line containing <paramref name="text"/>; fails with the output if the process exits first or the bound passes.</summary>
    public async Task WaitForAsync(string text)
    {
        // A bound on a stuck host, not a timing assertion.
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.False(process.HasExited && pumps.IsCompleted, $"the host exited ({(process.HasExited ? process.ExitCode : 0)}) before saying '{text}':\n{Output}");
            Assert.True(DateTime.UtcNow < deadline, $"the host never said '{text}':\n{Output}");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                // The node's supervised services are its children: the whole tree goes.
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
