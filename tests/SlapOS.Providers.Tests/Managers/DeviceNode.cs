using System.Diagnostics;

namespace SlapOS.Providers.Tests.Managers;

/// <summary>A character device node (the null device's numbers) made under /dev for one test and removed after it.</summary>
internal sealed class DeviceNode : IDisposable
{
    public DeviceNode()
    {
        Path = "/dev/m19dev-" + Guid.NewGuid().ToString("N")[..8];
        Run("mknod", Path, "c", "1", "3");
    }

    public string Path { get; }

    public static string Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }

    /// <summary>The uid:group-name owning a path.</summary>
    public static string Owner(string path) => Run("stat", "-c", "%u:%G", path);

    public void Dispose() => File.Delete(Path);
}
