using System.ComponentModel;
using System.Diagnostics;

namespace SlapOS.Slave.Processes;

/// <summary>Runs a partition executable (promise, report script) with a timeout, killing its whole tree when it overruns.</summary>
internal sealed class ExecutableRunner(TimeProvider time)
{
    private const int OutputTailCharacters = 4096;
    private const int TextFileBusy = 26; // ETXTBSY

    public async Task<ExecutableResult> RunAsync(string executable, string workingDirectory, string? user, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (user is not null)
        {
            startInfo.UserName = user;
        }

        var output = new OutputTail(OutputTailCharacters);
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                process.Start();
                break;
            }
            catch (Win32Exception ex) when (ex.NativeErrorCode == TextFileBusy && attempt < 5)
            {
                // The script was just written and another thread's fork still holds it open for writing
                // (a real pause, not TimeProvider time: it waits for the kernel, not for a schedule).
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Win32Exception ex)
            {
                return new ExecutableResult(null, false, $"could not start {executable}: {ex.Message}");
            }
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            return new ExecutableResult(null, true, $"timed out after {timeout.TotalSeconds:0.#} s\n{output}");
        }

        return new ExecutableResult(process.ExitCode, false, output.ToString());
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
        catch (Win32Exception)
        {
            // Not ours to kill any more.
        }
    }
}
