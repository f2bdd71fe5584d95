using System.Diagnostics;
using System.Globalization;

namespace SlapOS.Providers.Buildout;

/// <summary>File and process helpers shared by the built-in recipes.</summary>
internal static class BuildoutFiles
{
    /// <summary>Parses an octal mode such as <c>0755</c> or <c>750</c>.</summary>
    public static UnixFileMode ParseMode(string? mode, UnixFileMode defaultMode, string part)
    {
        if (string.IsNullOrWhiteSpace(mode))
        {
            return defaultMode;
        }

        var text = mode.Trim();
        if (text.StartsWith("0o", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        try
        {
            return (UnixFileMode)Convert.ToInt32(text, 8);
        }
        catch (FormatException ex)
        {
            throw new BuildoutException($"The mode '{mode}' of [{part}] is not an octal number.", ex);
        }
    }

    /// <summary>Writes a file atomically (temporary file + rename) with a mode.</summary>
    public static async Task WriteAsync(string path, string content, UnixFileMode? mode, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(temporary, content, cancellationToken).ConfigureAwait(false);
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, m);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Runs <c>/bin/sh -c command</c>, its output going to the log; returns the exit code. With
    /// <paramref name="runAs"/> (a root node deploying for a partition user) the shell runs as that
    /// user, through <c>setpriv</c>, as slapgrid runs buildout with the partition's privileges.
    /// </summary>
    public static async Task<int> RunShellAsync(string command, string workingDirectory, IReadOnlyDictionary<string, string>? environment, TextWriter log, CancellationToken cancellationToken, FileOwner? runAs = null)
    {
        var start = new ProcessStartInfo(runAs is null ? "/bin/sh" : "setpriv")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (runAs is not null)
        {
            foreach (var argument in new[] { "--reuid", runAs.Uid.ToString(CultureInfo.InvariantCulture), "--regid", runAs.Gid.ToString(CultureInfo.InvariantCulture), "--clear-groups", "/bin/sh" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        await log.WriteLineAsync("$ " + command).ConfigureAwait(false);
        using var process = new Process { StartInfo = start };
        var gate = new object();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    log.WriteLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    log.WriteLine(e.Data);
                }
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (gate)
        {
            log.Flush();
        }

        return process.ExitCode;
    }

    /// <summary>Parses <c>KEY=VALUE</c> lines (an <c>environment</c> option).</summary>
    public static Dictionary<string, string> ParseEnvironment(string? lines, string part)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(lines))
        {
            return result;
        }

        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new BuildoutException($"The environment line '{line}' of [{part}] is not KEY=VALUE.");
            }

            result[line[..equals].Trim()] = line[(equals + 1)..].Trim();
        }

        return result;
    }

    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0').ToString(CultureInfo.InvariantCulture);
}
