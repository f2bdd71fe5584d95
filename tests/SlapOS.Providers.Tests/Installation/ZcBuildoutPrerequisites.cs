using System.Diagnostics;

namespace SlapOS.Providers.Tests.Installation;

/// <summary>The zc.buildout tests need Debian's python3 with python3-zc.buildout: they fail (never skip) without.</summary>
internal static class ZcBuildoutPrerequisites
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Check);

    public static void Require()
    {
        if (Missing.Value is { } problem)
        {
            Assert.Fail(problem + " The zc.buildout installer tests need Debian's /usr/bin/python3 with python3-zc.buildout and python3-setuptools (scripts/test.sh installs them: apt-get install python3-zc.buildout python3-setuptools).");
        }
    }

    private static string? Check()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} does not exist.";
        }

        foreach (var module in new[] { "zc/buildout/buildout.py", "setuptools/__init__.py", "pkg_resources/__init__.py" })
        {
            if (!File.Exists(Path.Combine("/usr/lib/python3/dist-packages", module)))
            {
                return $"/usr/lib/python3/dist-packages/{module} does not exist.";
            }
        }

        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import sys; print(sys.prefix)"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var prefix = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 && prefix == "/usr" ? null : $"{Python} is not Debian's python (sys.prefix is '{prefix}').";
    }
}
