using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SlapOS.Providers.Supervision;

/// <summary>
/// Starts one program in its own session and process group (through <c>setsid</c>), with its
/// output appended to log files opened by a tiny shell step, and as the partition user through
/// <c>setpriv</c> when the host runs as root. The program writes to its log files itself, so it
/// keeps running (and logging) while the host restarts.
/// A started program is held before it runs anything until <see cref="Release"/>: the supervisor first records
/// its pid, so a supervisor killed in between leaves no unrecorded process behind (it exits, see docs/hardening.md).
/// </summary>
internal static class ProgramLauncher
{
    // Declared first: static fields initialize in order, and Locate uses it.
    private static readonly string[] ToolDirectories = ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"];
    private static readonly string SetsidPath = Locate("setsid");
    private static readonly string SetprivPath = Locate("setpriv");

    // The held start: the shell waits for "go" on its standard input (a pipe from the supervisor) before it runs
    // anything, and exits when the pipe closes without it (the supervisor died or gave up before recording the
    // process). $1 = stdout log, $2 = stderr log (empty: same as stdout); the rest is the command line.
    private const string RedirectScript =
        "read -r go && [ \"$go\" = go ] || exit 125; " +
        "out=$1; err=$2; shift 2; " +
        "if [ -z \"$err\" ]; then exec </dev/null >>\"$out\" 2>&1; else exec </dev/null >>\"$out\" 2>>\"$err\"; fi; " +
        "exec \"$@\"";

    /// <summary>The stdout log file of a program (default <c>&lt;workdir&gt;/var/log/&lt;name&gt;.log</c>).</summary>
    public static string StdoutLog(ProgramDefinition definition) =>
        definition.StdoutLogFile ?? Path.Combine(definition.WorkingDirectory, "var", "log", definition.Name + ".log");

    /// <summary>
    /// Starts the program, held: the returned process (the leader of its new process group) runs nothing until
    /// <see cref="Release"/>, and exits if <see cref="Abandon"/> is called or this process dies first.
    /// </summary>
    public static Process Start(ProgramDefinition definition)
    {
        if (!Directory.Exists(definition.WorkingDirectory))
        {
            throw new InvalidOperationException($"The working directory '{definition.WorkingDirectory}' of program '{definition.Name}' does not exist.");
        }

        var stdout = StdoutLog(definition);
        CreateParent(stdout);
        if (definition.StderrLogFile is not null)
        {
            CreateParent(definition.StderrLogFile);
        }

        var startInfo = new ProcessStartInfo(SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = definition.WorkingDirectory,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        startInfo.ArgumentList.Add("/bin/sh");
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(RedirectScript);
        startInfo.ArgumentList.Add("slapos-program");
        startInfo.ArgumentList.Add(stdout);
        startInfo.ArgumentList.Add(definition.StderrLogFile ?? string.Empty);

        if (definition.User is not null && PosixProcess.IsRoot)
        {
            var ids = PosixProcess.LookupUser(definition.User)
                ?? throw new InvalidOperationException($"The user '{definition.User}' of program '{definition.Name}' does not exist.");
            startInfo.ArgumentList.Add(SetprivPath);
            startInfo.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--reuid={ids.UserId}"));
            startInfo.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--regid={ids.GroupId}"));
            startInfo.ArgumentList.Add("--init-groups");
            startInfo.ArgumentList.Add("--");
        }

        startInfo.ArgumentList.Add(definition.Command);
        foreach (var argument in definition.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in definition.Environment)
        {
            startInfo.Environment[key] = value;
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException($"Program '{definition.Name}' could not be started.");
    }

    /// <summary>Lets a held program run (once its pid is recorded). A program that already exited is left to its supervision loop.</summary>
    public static void Release(Process process)
    {
        try
        {
            process.StandardInput.Write("go\n");
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The pipe is broken: the shell is gone, and the supervision loop sees its exit.
        }
    }

    /// <summary>
    /// Whether a process is still the launcher shell of a program: held (its supervisor died before releasing it,
    /// and it is about to exit) or released and not yet in the program. Either way it has run nothing of the program.
    /// </summary>
    public static bool IsLauncher(int processId)
    {
        string commandLine;
        try
        {
            commandLine = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{processId}/cmdline"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // Empty while the kernel swaps images (setsid exec'ing the shell) or once a zombie: not known to have left
        // the launcher, so a caller waiting for it to leave reads again (found by a restore that adopted a held shell).
        if (commandLine.Length == 0)
        {
            return true;
        }

        // argv: [setsid] /bin/sh -c <script> slapos-program … (setsid until it has exec'd the shell).
        var arguments = commandLine.Split('\0');
        var script = Array.IndexOf(arguments, RedirectScript);
        return script is 2 or 3 && arguments[script - 1] == "-c" && script + 1 < arguments.Length && arguments[script + 1] == "slapos-program";
    }

    /// <summary>Ends a held program that will not be recorded: it has run nothing of the program yet.</summary>
    public static void Abandon(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception)
        {
            // Already exited, or gone as we killed it.
        }

        process.Dispose();
    }

    // util-linux lives in /usr/bin on merged-/usr systems, in /bin on older ones.
    private static string Locate(string tool) =>
        ToolDirectories.Select(d => d + tool).FirstOrDefault(File.Exists) ?? "/usr/bin/" + tool;

    private static void CreateParent(string file)
    {
        var directory = Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
