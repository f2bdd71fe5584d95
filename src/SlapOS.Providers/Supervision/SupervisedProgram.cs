using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SlapOS.Providers.Supervision;

/// <summary>
/// One program of a group and its state machine (supervisord's): STOPPED → RUNNING → (crash)
/// BACKOFF → RUNNING … → FATAL after too many failed starts, or EXITED when not restarted.
/// API calls (start, stop, update) are serialized by a gate; state changes happen under a lock,
/// both from API calls and from the supervision loop that waits for the process to exit.
/// </summary>
internal sealed class SupervisedProgram : IDisposable
{
    // How long a restored process may stay in the launcher shell (500 × 10 ms; counted in steps, not read from a clock).
    private const int LauncherWaits = 500;
    private static readonly TimeSpan GonePollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LauncherWaitStep = TimeSpan.FromMilliseconds(10);

    private readonly Lock sync = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly string group;
    private readonly string stateFile;
    private readonly NativeSupervisorOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CrashBroadcast crashes;

    private ProgramState state = ProgramState.Stopped;
    private RunningProcess? current;
    private DateTimeOffset? startedAt;
    private int? exitCode;
    private int failedStarts;
    private CancellationTokenSource? supervision;
    private Task supervisor = Task.CompletedTask;

    public SupervisedProgram(string group, ProgramDefinition definition, string stateFile, NativeSupervisorOptions options, TimeProvider time, ILogger logger, CrashBroadcast crashes)
    {
        this.group = group;
        Definition = definition;
        this.stateFile = stateFile;
        this.options = options;
        this.time = time;
        this.logger = logger;
        this.crashes = crashes;
    }

    public ProgramDefinition Definition { get; private set; }

    /// <summary>Whether the program is meant to run (running, or waiting to restart).</summary>
    public bool IsActive
    {
        get
        {
            lock (sync)
            {
                return state is ProgramState.Running or ProgramState.Starting or ProgramState.Backoff or ProgramState.Stopping;
            }
        }
    }

    public ProgramStatus Status
    {
        get
        {
            lock (sync)
            {
                return new ProgramStatus(group, Definition.Name, state, current?.Id, startedAt, exitCode);
            }
        }
    }

    /// <summary>
    /// Takes over the state left by a previous run of the host: a process that is still alive
    /// (same pid and start time) is adopted as RUNNING; otherwise the program is EXITED. A recorded process
    /// still in the launcher shell is waited for: released, it becomes the program (adopted); held by a host that
    /// died before releasing it, it exits (EXITED, so the next start runs the program once). One that does
    /// neither has run nothing of the program: it is killed.
    /// </summary>
    public void Restore(ProgramStateFile saved)
    {
        lock (sync)
        {
            if (saved.ProcessId is int held && saved.StartTicks is long heldTicks && !LeavesLauncher(held, heldTicks))
            {
                PosixProcess.SignalGroupAndLeader(held, PosixProcess.SignalKill);
                NativeSupervisorLog.HeldDiscarded(logger, group, Definition.Name, held);
                state = ProgramState.Exited;
                Persist();
            }
            else if (saved.ProcessId is int pid && saved.StartTicks is long ticks && PosixProcess.IsAlive(pid, ticks))
            {
                current = new RunningProcess(pid, ticks, child: null);
                startedAt = saved.StartedAt;
                state = ProgramState.Running;
                supervision?.Dispose();
                supervision = new CancellationTokenSource();
                var token = supervision.Token;
                supervisor = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
                NativeSupervisorLog.Adopted(logger, group, Definition.Name, pid);
            }
            else
            {
                state = saved.ProcessId is null ? ProgramState.Stopped : ProgramState.Exited;
                Persist();
            }
        }
    }

    /// <summary>Writes the definition (and no process) so a later run knows the program.</summary>
    public void Save()
    {
        lock (sync)
        {
            Persist();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            lock (sync)
            {
                if (state is ProgramState.Running or ProgramState.Starting or ProgramState.Backoff)
                {
                    return;
                }

                failedStarts = 0;
                if (!LaunchLocked(out var error))
                {
                    throw new InvalidOperationException($"Program '{group}:{Definition.Name}' could not be started: {error.Message}", error);
                }

                supervision?.Dispose();
                supervision = new CancellationTokenSource();
                var token = supervision.Token;
                supervisor = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops the program: SIGTERM to its process group, SIGKILL after the stop timeout; waits until the whole group is gone.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await StopLockedAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Replaces the definition; a running program is restarted with the new one.</summary>
    public async Task UpdateAsync(ProgramDefinition definition, CancellationToken cancellationToken)
    {
        bool wasActive;
        await gate.WaitAsync(cancellationToken);
        try
        {
            wasActive = IsActive;
            if (wasActive)
            {
                await StopLockedAsync();
            }

            lock (sync)
            {
                Definition = definition;
                Persist();
            }
        }
        finally
        {
            gate.Release();
        }

        if (wasActive)
        {
            await StartAsync(cancellationToken);
        }
    }

    /// <summary>Stops the program and forgets its state file.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await StopLockedAsync();
            File.Delete(stateFile);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops watching without touching the process: it keeps running and the next host run adopts it.</summary>
    public async Task DetachAsync()
    {
        Task loop;
        lock (sync)
        {
            supervision?.Cancel();
            loop = supervisor;
        }

        await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        lock (sync)
        {
            supervision?.Dispose();
            supervision = null;
        }

        gate.Dispose();
    }

    /// <summary>The program's log files, for rotation.</summary>
    public IEnumerable<string> LogFiles()
    {
        var definition = Definition;
        yield return ProgramLauncher.StdoutLog(definition);
        if (definition.StderrLogFile is not null)
        {
            yield return definition.StderrLogFile;
        }
    }

    private async Task StopLockedAsync()
    {
        RunningProcess? run;
        Task loop;
        lock (sync)
        {
            supervision?.Cancel();
            loop = supervisor;
            run = current;
            if (run is null)
            {
                if (state is ProgramState.Backoff or ProgramState.Starting or ProgramState.Running)
                {
                    state = ProgramState.Stopped;
                }

                Persist();
                return;
            }

            state = ProgramState.Stopping;
        }

        await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var code = await TerminateAsync(run);
        run.Dispose();
        lock (sync)
        {
            current = null;
            exitCode = code;
            state = ProgramState.Stopped;
            Persist();
        }

        NativeSupervisorLog.Stopped(logger, group, Definition.Name, run.Id, code);
    }

    private async Task<int?> TerminateAsync(RunningProcess run)
    {
        SignalGroup(run, PosixProcess.SignalTerm);
        if (!await WaitGoneAsync(run, Definition.StopTimeout))
        {
            NativeSupervisorLog.Killing(logger, group, Definition.Name, run.Id, Definition.StopTimeout);
            SignalGroup(run, PosixProcess.SignalKill);
            await WaitGoneAsync(run, KillWait);
        }

        return run.ExitCode;
    }

    private static void SignalGroup(RunningProcess run, int signal)
    {
        // Signal the leader directly only while it is known alive: a reaped pid may be reused.
        if (!run.HasExited)
        {
            PosixProcess.SignalGroupAndLeader(run.Id, signal);
        }
        else if (PosixProcess.GroupExists(run.Id))
        {
            PosixProcess.SignalGroupOnly(run.Id, signal);
        }
    }

    private async Task<bool> WaitGoneAsync(RunningProcess run, TimeSpan timeout)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (!run.HasExited || PosixProcess.GroupExists(run.Id))
        {
            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(GonePollInterval, time);
        }

        return true;
    }

    private async Task SuperviseAsync(CancellationToken token)
    {
        while (true)
        {
            RunningProcess run;
            lock (sync)
            {
                if (current is null)
                {
                    return;
                }

                run = current;
            }

            int? code;
            try
            {
                code = await run.WaitForExitAsync(options.AdoptedPollInterval, time, token);
            }
            catch (OperationCanceledException)
            {
                // Stopped or detached: whoever cancelled owns the process now.
                return;
            }

            TimeSpan delay;
            lock (sync)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }

                // What the program left behind in its process group goes with it: no orphans.
                if (PosixProcess.GroupExists(run.Id))
                {
                    PosixProcess.SignalGroupOnly(run.Id, PosixProcess.SignalKill);
                }

                var ranFor = time.GetUtcNow() - (startedAt ?? time.GetUtcNow());
                current = null;
                exitCode = code;
                run.Dispose();
                if (Definition.Watched)
                {
                    crashes.Publish(new ProgramCrash(group, Definition.Name, code, time.GetUtcNow()));
                }

                if (!Definition.AutoRestart)
                {
                    state = ProgramState.Exited;
                    Persist();
                    NativeSupervisorLog.Exited(logger, group, Definition.Name, code);
                    return;
                }

                int attempt;
                if (ranFor < options.StartSeconds)
                {
                    failedStarts++;
                    attempt = failedStarts;
                }
                else
                {
                    failedStarts = 0;
                    attempt = 1;
                }

                if (failedStarts > options.StartRetries)
                {
                    state = ProgramState.Fatal;
                    Persist();
                    NativeSupervisorLog.GaveUp(logger, group, Definition.Name, failedStarts);
                    return;
                }

                delay = Backoff(attempt);
                state = ProgramState.Backoff;
                Persist();
                NativeSupervisorLog.Crashed(logger, group, Definition.Name, code, delay);
            }

            try
            {
                await Task.Delay(delay, time, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (sync)
            {
                if (token.IsCancellationRequested || !LaunchLocked(out _))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Waits (bounded) while a recorded process is still the launcher shell; false when it stays there.</summary>
    private static bool LeavesLauncher(int processId, long startTicks)
    {
        for (var wait = 0; PosixProcess.IsAlive(processId, startTicks) && ProgramLauncher.IsLauncher(processId); wait++)
        {
            if (wait == LauncherWaits)
            {
                return false;
            }

            Thread.Sleep(LauncherWaitStep);
        }

        return true;
    }

    private TimeSpan Backoff(int attempt)
    {
        var ticks = options.InitialBackoff.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        return ticks >= options.MaxBackoff.Ticks ? options.MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// Launches the program held, records it (pid and start time, on disk), then lets it run: a host killed at any
    /// point leaves either a recorded process (adopted by the next run) or a held one that exits on its own, never
    /// a running process the next run does not know about (which would then run twice).
    /// </summary>
    private bool LaunchLocked(out Exception error)
    {
        error = null!;
        state = ProgramState.Starting;
        Process? process = null;
        try
        {
            process = ProgramLauncher.Start(Definition);
            KillPoints.Reach("supervisor.launched", group + ":" + Definition.Name, string.Create(CultureInfo.InvariantCulture, $"pid {process.Id}"));
            var ticks = PosixProcess.ReadStartTicks(process.Id) ?? 0;
            current = new RunningProcess(process.Id, ticks, process);
            startedAt = time.GetUtcNow();
            exitCode = null;
            state = ProgramState.Running;
            Persist();
            KillPoints.Reach("supervisor.recorded", group + ":" + Definition.Name, string.Create(CultureInfo.InvariantCulture, $"pid {process.Id}"));
            ProgramLauncher.Release(process);
            NativeSupervisorLog.Started(logger, group, Definition.Name, process.Id);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or IOException or UnauthorizedAccessException)
        {
            if (process is not null)
            {
                ProgramLauncher.Abandon(process);
            }

            error = e;
            current = null;
            state = ProgramState.Fatal;
            Persist();
            NativeSupervisorLog.StartFailed(logger, group, Definition.Name, e);
            return false;
        }
    }

    private void Persist()
    {
        var saved = new ProgramStateFile
        {
            Definition = Definition,
            ProcessId = current?.Id,
            StartTicks = current?.StartTicks,
            StartedAt = current is null ? null : startedAt,
        };
        var temporary = stateFile + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(saved));
        File.Move(temporary, stateFile, overwrite: true);
    }
}
