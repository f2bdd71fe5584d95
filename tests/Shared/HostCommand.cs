using System.Diagnostics;

namespace SlapOS.Tests;

/// <summary>
/// Runs a host tool (ip, nft, id, stat, userdel…) for the root tests, found in the sbin and bin directories as the
/// formatter finds it (a test runner's PATH may lack the sbin directories).
/// </summary>
internal static class HostCommand
{
    /// <summary>Runs <paramref name="tool"/> and answers its standard output; the test fails when the tool fails.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var (code, output, error) = Execute(tool, arguments);
        Assert.True(code == 0, $"{tool} {string.Join(' ', arguments)} failed with {code}: {error}");
        return output;
    }

    /// <summary>Runs <paramref name="tool"/>; answers its exit code and its standard output.</summary>
    public static (int Code, string Output) TryRun(string tool, params string[] arguments)
    {
        var (code, output, _) = Execute(tool, arguments);
        return (code, output);
    }

    private static (int Code, string Output, string Error) Execute(string tool, string[] arguments)
    {
        var path = new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) ?? tool;
        using var process = Process.Start(new ProcessStartInfo(path, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
