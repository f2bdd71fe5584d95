using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Supervision;

namespace SlapOS.Providers.Supervisord;

/// <summary>
/// <see cref="IProcessSupervisor"/> over the node's supervisord, driven over XML-RPC the way
/// <c>supervisorctl update/start/stop</c> does: each partition's programs are written to
/// <c>supervisord.conf.d/&lt;group&gt;.conf</c>, then <c>reloadConfig</c> and
/// <c>add/removeProcessGroup</c> apply the difference. Starts and stops are asked with
/// <c>wait=false</c> and then polled (a blocking stop costs supervisord a second per call).
/// </summary>
internal sealed partial class SupervisordSupervisor : IProcessSupervisor, IAsyncDisposable
{
    /// <summary>How long the members of a stopped program's process group get to go before SIGKILL.</summary>
    private static readonly TimeSpan StragglerWait = TimeSpan.FromSeconds(5);

    private readonly SupervisordOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly SupervisordDaemon daemon;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource disposed = new();

    public SupervisordSupervisor(IOptions<SupervisordOptions> options, ILogger<SupervisordSupervisor> logger, TimeProvider time)
    {
        this.options = options.Value;
        this.logger = logger;
        this.time = time;
        daemon = new SupervisordDaemon(this.options, logger, time);
    }

    private static bool AsRoot => PosixProcess.IsRoot;

    public async Task UpdateGroupAsync(string group, IReadOnlyList<ProgramDefinition> programs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(programs);
        SupervisordConfig.Validate(group, programs);
        var content = programs.Count == 0 ? null : SupervisordConfig.Group(group, programs, options, AsRoot);
        await WithGroupAsync(group, async token =>
        {
            var file = GroupFile(group);
            var previous = File.Exists(file) ? await File.ReadAllTextAsync(file, token) : null;
            foreach (var program in programs)
            {
                // supervisord refuses a log file whose directory does not exist.
                CreateParent(SupervisordConfig.StdoutLog(program));
                CreateParent(program.StderrLogFile);
            }

            var mine = SupervisordGroups(group, previous).Concat(SupervisordGroups(group, content)).ToHashSet(StringComparer.Ordinal);
            await WriteGroupFileAsync(file, content, token);
            List<string> added, changed, removed;
            try
            {
                (added, changed, removed) = await ReloadConfigAsync(token);
            }
            catch (XmlRpcFaultException e) when (e.Code == SupervisordFaults.CantReread)
            {
                // A bad file would poison every later reload of the node: put the old one back.
                await WriteGroupFileAsync(file, previous, CancellationToken.None);
                throw new InvalidOperationException($"supervisord rejected the programs of '{group}': {e.FaultString}", e);
            }

            added.RemoveAll(n => !mine.Contains(n));
            changed.RemoveAll(n => !mine.Contains(n));
            removed.RemoveAll(n => !mine.Contains(n));
            var before = await daemon.GetAllProcessInfoAsync(token);
            await StopAndWaitAsync(group, [.. removed, .. changed], token);
            foreach (var name in removed.Concat(changed))
            {
                await RemoveProcessGroupAsync(group, name, token);
            }

            // Also re-adds a group supervisord lost track of (the file is the truth).
            foreach (var name in SupervisordGroups(group, content))
            {
                await AddProcessGroupAsync(name, token);
            }

            // Programs of changed groups that were running run again (with their new definition);
            // the others, and new programs, stay stopped: an update never starts anything.
            var restart = before
                .Where(p => changed.Contains(p.Group) && p.State is SupervisordProcessInfo.Running or SupervisordProcessInfo.Starting or SupervisordProcessInfo.Backoff)
                .ToList();
            await RestartAsync(group, restart, token);
            SupervisordLog.GroupUpdated(logger, group, string.Join(',', added), string.Join(',', changed), string.Join(',', removed));
        }, cancellationToken);
    }

    public Task StartGroupAsync(string group, CancellationToken cancellationToken) =>
        WithGroupAsync(group, async token => await StartAndWaitAsync(group, await CurrentGroupsAsync(group, token), token), cancellationToken);

    public Task StopGroupAsync(string group, CancellationToken cancellationToken) =>
        WithGroupAsync(group, async token => await StopAndWaitAsync(group, await CurrentGroupsAsync(group, token), token), cancellationToken);

    public Task RemoveGroupAsync(string group, CancellationToken cancellationToken) =>
        WithGroupAsync(group, async token =>
        {
            var names = await CurrentGroupsAsync(group, token);
            await StopAndWaitAsync(group, names, token);
            await WriteGroupFileAsync(GroupFile(group), null, token);
            try
            {
                await ReloadConfigAsync(token);
            }
            catch (XmlRpcFaultException e) when (e.Code == SupervisordFaults.CantReread)
            {
                // Another partition's file is bad; this group is removed below all the same.
            }

            foreach (var name in names)
            {
                await RemoveProcessGroupAsync(group, name, token);
            }
        }, cancellationToken);

    public async Task<IReadOnlyList<ProgramStatus>> GetStatusAsync(string group, CancellationToken cancellationToken)
    {
        SlapReference.Validate(group, "group");
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        await daemon.EnsureRunningAsync(cancellationToken);
        return [.. (await daemon.GetAllProcessInfoAsync(cancellationToken))
            .Where(p => SupervisordConfig.Belongs(p, group, options.GroupPerProgram))
            .Select(p => ToStatus(group, p))
            .OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Polls <c>getAllProcessInfo</c> every <see cref="SupervisordOptions.PollInterval"/> and reports the
    /// unexpected exits of watched (<c>-on-watch</c>) programs seen since the previous poll.
    /// </summary>
    public async IAsyncEnumerable<ProgramCrash> WatchCrashesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposed.Token);
        var token = linked.Token;
        Dictionary<string, SupervisordProcessInfo>? previous = null;
        var failing = false;
        while (!token.IsCancellationRequested)
        {
            // Only polls: watching never starts supervisord (it may have been shut down on purpose).
            Dictionary<string, SupervisordProcessInfo>? current;
            try
            {
                current = (await daemon.GetAllProcessInfoAsync(token)).ToDictionary(p => p.Key, StringComparer.Ordinal);
                failing = false;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                yield break;
            }
            catch (ObjectDisposedException)
            {
                yield break;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or XmlRpcFaultException or FormatException or System.Xml.XmlException or IOException)
            {
                if (!failing)
                {
                    SupervisordLog.PollFailed(logger, e);
                    failing = true;
                }

                current = null;
            }

            if (current is not null)
            {
                if (previous is not null)
                {
                    foreach (var info in current.Values)
                    {
                        if (DetectCrash(previous.GetValueOrDefault(info.Key), info) is { } exitCode)
                        {
                            var crash = new ProgramCrash(PartitionOf(info), SupervisordConfig.ProgramName(info.Name), exitCode.Code, time.GetUtcNow());
                            SupervisordLog.Crashed(logger, crash.Group, crash.Name, crash.ExitCode);
                            yield return crash;
                        }
                    }
                }

                previous = current;
            }

            try
            {
                await Task.Delay(options.PollInterval, time, token);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>Shuts the node's supervisord down (stopping every program), whoever started it.</summary>
    public Task ShutdownDaemonAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        return daemon.ShutdownAsync(cancellationToken);
    }

    /// <summary>Lets go of supervisord: it and the programs keep running.</summary>
    public ValueTask DisposeAsync()
    {
        if (!disposed.IsCancellationRequested)
        {
            disposed.Cancel();
            daemon.Dispose();
            foreach (var gate in gates.Values)
            {
                gate.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Whether the change from <paramref name="before"/> to <paramref name="now"/> of a watched
    /// process is a crash, and its exit code when known.
    /// </summary>
    internal static (int? Code, bool Crashed)? DetectCrash(SupervisordProcessInfo? before, SupervisordProcessInfo now)
    {
        if (!now.Name.EndsWith(SupervisordConfig.WatchMark, StringComparison.Ordinal))
        {
            return null;
        }

        var wasUp = before is { State: SupervisordProcessInfo.Running or SupervisordProcessInfo.Starting };
        return now.State switch
        {
            // Exit codes other than 0 are unexpected (exitcodes = 0).
            SupervisordProcessInfo.Exited when now.ExitStatus != 0 && (before is null || before.State != SupervisordProcessInfo.Exited || before.Stop != now.Stop)
                => (now.ExitStatus, true),
            SupervisordProcessInfo.Backoff when before is null || before.State != SupervisordProcessInfo.Backoff || before.Start != now.Start
                => (null, true),
            SupervisordProcessInfo.Fatal when wasUp
                => (null, true),

            // Exited and restarted between two polls: same state, another pid.
            SupervisordProcessInfo.Running or SupervisordProcessInfo.Starting when wasUp && before!.Pid > 0 && now.Pid > 0 && before.Pid != now.Pid
                => (null, true),
            _ => null,
        };
    }

    private string PartitionOf(SupervisordProcessInfo info)
    {
        var suffix = "_" + SupervisordConfig.ProgramName(info.Name);
        return options.GroupPerProgram && info.Group.EndsWith(suffix, StringComparison.Ordinal) ? info.Group[..^suffix.Length] : info.Group;
    }

    private static ProgramStatus ToStatus(string group, SupervisordProcessInfo info) => new(
        group,
        SupervisordConfig.ProgramName(info.Name),
        info.ToProgramState(),
        info.Pid > 0 ? info.Pid : null,
        info.Start > 0 ? DateTimeOffset.FromUnixTimeSeconds(info.Start) : null,
        info.Start > 0 && info.State is SupervisordProcessInfo.Exited or SupervisordProcessInfo.Stopped ? info.ExitStatus : null);

    private async Task WithGroupAsync(string group, Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        SlapReference.Validate(group, "group");
        ObjectDisposedException.ThrowIf(disposed.IsCancellationRequested, this);
        await daemon.EnsureRunningAsync(cancellationToken);
        var gate = gates.GetOrAdd(group, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await action(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>supervisord's groups of the partition: those in its file and those supervisord runs.</summary>
    private async Task<List<string>> CurrentGroupsAsync(string group, CancellationToken cancellationToken)
    {
        var file = GroupFile(group);
        var names = SupervisordGroups(group, File.Exists(file) ? await File.ReadAllTextAsync(file, cancellationToken) : null).ToHashSet(StringComparer.Ordinal);
        foreach (var info in await daemon.GetAllProcessInfoAsync(cancellationToken))
        {
            if (SupervisordConfig.Belongs(info, group, options.GroupPerProgram))
            {
                names.Add(info.Group);
            }
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private IEnumerable<string> SupervisordGroups(string group, string? groupFile) =>
        groupFile is null ? [] : SupervisordConfig.SupervisordGroups(group, SupervisordConfig.ProgramsIn(groupFile, group), options.GroupPerProgram);

    private async Task StartAndWaitAsync(string group, List<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        var failures = new List<string>();
        foreach (var name in names)
        {
            try
            {
                var results = await daemon.CallAsync("supervisor.startProcessGroup", cancellationToken, name, false) as List<object?> ?? [];
                failures.AddRange(results.OfType<Dictionary<string, object?>>()
                    .Where(r => r.GetValueOrDefault("status") is int status && status != SupervisordFaults.Success)
                    .Select(r => $"{r.GetValueOrDefault("group")}:{r.GetValueOrDefault("name")}: {r.GetValueOrDefault("description")}"));
            }
            catch (XmlRpcFaultException e) when (e.Code == SupervisordFaults.BadName)
            {
                // Not (or no longer) known to supervisord: nothing to start.
            }
        }

        // Leaves STARTING once it has been up startsecs, or falls into BACKOFF.
        var set = names.ToHashSet(StringComparer.Ordinal);
        await PollUntilAsync(
            infos => !infos.Any(p => set.Contains(p.Group) && p.State == SupervisordProcessInfo.Starting),
            options.StartTimeout + TimeSpan.FromSeconds(options.StartSeconds),
            $"the programs of '{group}' to start",
            cancellationToken);
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"supervisord could not start programs of '{group}': {string.Join("; ", failures)}");
        }
    }

    private async Task RestartAsync(string group, List<SupervisordProcessInfo> processes, CancellationToken cancellationToken)
    {
        if (processes.Count == 0)
        {
            return;
        }

        var failures = new List<string>();
        foreach (var process in processes)
        {
            try
            {
                await daemon.CallAsync("supervisor.startProcess", cancellationToken, process.Key, false);
            }
            catch (XmlRpcFaultException e) when (e.Code is SupervisordFaults.BadName or SupervisordFaults.AlreadyStarted)
            {
                // Renamed away by the update, or already running.
            }
            catch (XmlRpcFaultException e)
            {
                failures.Add($"{process.Key}: {e.FaultString}");
            }
        }

        var keys = processes.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        await PollUntilAsync(
            infos => !infos.Any(p => keys.Contains(p.Key) && p.State == SupervisordProcessInfo.Starting),
            options.StartTimeout + TimeSpan.FromSeconds(options.StartSeconds),
            $"the changed programs of '{group}' to start",
            cancellationToken);
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"supervisord could not restart programs of '{group}': {string.Join("; ", failures)}");
        }
    }

    private async Task StopAndWaitAsync(string group, List<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0)
        {
            return;
        }

        var set = names.ToHashSet(StringComparer.Ordinal);
        var leaders = (await daemon.GetAllProcessInfoAsync(cancellationToken)).Where(p => set.Contains(p.Group) && p.Pid > 0).Select(p => p.Pid).ToList();
        foreach (var name in names)
        {
            try
            {
                await daemon.CallAsync("supervisor.stopProcessGroup", cancellationToken, name, false);
            }
            catch (XmlRpcFaultException e) when (e.Code == SupervisordFaults.BadName)
            {
                // Not (or no longer) known to supervisord: nothing to stop.
            }
        }

        await PollUntilAsync(
            infos => !infos.Any(p => set.Contains(p.Group) && p.IsActive),
            options.DaemonTimeout + TimeSpan.FromSeconds(MaxStopWaitSeconds(group)),
            $"the programs of '{group}' to stop",
            cancellationToken);

        // supervisord is done when the leader is reaped; the rest of its process group may lag behind.
        foreach (var leader in leaders)
        {
            if (!await daemon.WaitAsync(() => !PosixProcess.GroupExists(leader), StragglerWait, cancellationToken))
            {
                SupervisordLog.KilledStragglers(logger, group, leader);
                PosixProcess.SignalGroupOnly(leader, PosixProcess.SignalKill);
                await daemon.WaitAsync(() => !PosixProcess.GroupExists(leader), StragglerWait, cancellationToken);
            }
        }
    }

    private async Task PollUntilAsync(Func<IReadOnlyList<SupervisordProcessInfo>, bool> done, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        var interval = TimeSpan.FromTicks(Math.Min(options.PollInterval.Ticks, TimeSpan.FromMilliseconds(100).Ticks));
        while (!done(await daemon.GetAllProcessInfoAsync(cancellationToken)))
        {
            if (time.GetUtcNow() >= deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            }

            await Task.Delay(interval, time, cancellationToken);
        }
    }

    private async Task<(List<string> Added, List<string> Changed, List<string> Removed)> ReloadConfigAsync(CancellationToken cancellationToken)
    {
        // Returns [[added, changed, removed]].
        var result = await daemon.CallAsync("supervisor.reloadConfig", cancellationToken) as List<object?>;
        var lists = result?.FirstOrDefault() as List<object?> ?? [];
        List<string> At(int i) => lists.Count > i && lists[i] is List<object?> names ? [.. names.OfType<string>()] : [];
        return (At(0), At(1), At(2));
    }

    private async Task AddProcessGroupAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await daemon.CallAsync("supervisor.addProcessGroup", cancellationToken, name);
        }
        catch (XmlRpcFaultException e) when (e.Code == SupervisordFaults.AlreadyAdded)
        {
            // Already there and unchanged.
        }
    }

    private async Task RemoveProcessGroupAsync(string group, string name, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await daemon.CallAsync("supervisor.removeProcessGroup", cancellationToken, name);
                return;
            }
            catch (XmlRpcFaultException e) when (e.Code == SupervisordFaults.BadName)
            {
                return; // Already gone.
            }
            catch (XmlRpcFaultException e) when (e.Code == SupervisordFaults.StillRunning && attempt < 3)
            {
                // Started again meanwhile (by hand, or by another agent): stop it again.
                await StopAndWaitAsync(group, [name], cancellationToken);
            }
        }
    }

    private int MaxStopWaitSeconds(string group)
    {
        var file = GroupFile(group);
        if (!File.Exists(file))
        {
            return 0;
        }

        return StopWaitPattern().Matches(File.ReadAllText(file))
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max();
    }

    private string GroupFile(string group) => Path.Combine(options.IncludeDirectory, group + ".conf");

    private static async Task WriteGroupFileAsync(string file, string? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            File.Delete(file);
            return;
        }

        if (File.Exists(file) && await File.ReadAllTextAsync(file, cancellationToken) == content)
        {
            return;
        }

        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary, content, cancellationToken);
        File.Move(temporary, file, overwrite: true);
    }

    private static void CreateParent(string? file)
    {
        if (file is not null && Path.GetDirectoryName(file) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }

    [GeneratedRegex(@"^stopwaitsecs = (\d+)$", RegexOptions.Multiline)]
    private static partial Regex StopWaitPattern();
}
