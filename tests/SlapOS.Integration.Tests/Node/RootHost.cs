using System.Diagnostics;

namespace SlapOS.Integration.Tests.Node;

/// <summary>
/// The host commands the root end-to-end tests run (ip, nft, id, userdel…), and the removal of what a root formatter
/// made for a test: its Unix users and groups.
/// </summary>
internal static class RootHost
{
    /// <summary>Runs <paramref name="tool"/> (found in the sbin and bin directories); fails the test when it fails; answers its output.</summary>
    public static string Run(string tool, params string[] arguments)
    {
        var (code, output) = TryRun(tool, arguments);
        Assert.True(code == 0, $"{tool} {string.Join(' ', arguments)} failed with {code}: {output}");
        return output;
    }

    /// <summary>Runs <paramref name="tool"/>; answers its exit code and its output (standard output, then standard error).</summary>
    public static (int Code, string Output) TryRun(string tool, params string[] arguments)
    {
        var path = new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) ?? tool;
        using var process = Process.Start(new ProcessStartInfo(path, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    /// <summary>Deletes the users and groups whose names start with <paramref name="prefix"/> (what the root formatter made).</summary>
    public static void RemoveUsersAndGroups(string prefix)
    {
        foreach (var user in File.ReadLines("/etc/passwd").Select(l => l.Split(':')[0]).Where(u => u.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            TryRun("userdel", user);
        }

        foreach (var group in File.ReadLines("/etc/group").Select(l => l.Split(':')[0]).Where(g => g.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            TryRun("groupdel", group);
        }
    }
}
