using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Supervision;

/// <summary>
/// The embedded process supervisor: one process group per partition, each program in its own
/// session (so stopping it kills its whole tree), restart with exponential backoff, log files,
/// and state files that let a restarted host adopt the processes of its previous run.
/// </summary>
internal sealed class NativeSupervisor : IProcessSupervisor, IAsyncDisposable
{
    private readonly NativeSupervisorOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly CrashBroadcast crashes = new();
    private readonly ConcurrentDictionary<string, SupervisedGroup> groups = new(StringComparer.Ordinal);
    private readonly ITimer logTimer;
    private int disposed;

    public NativeSupervisor(IOptions<NativeSupervisorOptions> options, ILogger<NativeSupervisor> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.logger = logger;
        this.time = time;
        Directory.CreateDirectory(this.options.StateDirectory);
        Restore();
        logTimer = time.CreateTimer(_ => RotateLogs(), null, this.options.LogCheckInterval, this.options.LogCheckInterval);
    }

    public async Task UpdateGroupAsync(string group, IReadOnlyList<ProgramDefinition> programs, CancellationToken cancellationToken)
    {
        SlapReference.Validate(group, "group");
        ArgumentNullException.ThrowIfNull(programs);
        foreach (var program in programs)
        {
            SlapReference.Validate(program.Name, "program");
        }

        var duplicate = programs.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new SlapValidationException("program", $"'{duplicate.Key}' is defined twice in group '{group}'");
        }

        SupervisedGroup supervised;
        while (true)
        {
            supervised = groups.GetOrAdd(group, name => new SupervisedGroup(name, Path.Combine(options.StateDirectory, name)));
            await supervised.Gate.WaitAsync(cancellationToken);

            // The group may have been removed while we waited: then work on its successor.
            if (groups.TryGetValue(group, out var currentGroup) && ReferenceEquals(currentGroup, supervised))
            {
                break;
            }

            supervised.Gate.Release();
        }

        try
        {
            Directory.CreateDirectory(supervised.Directory);
            var wanted = programs.ToDictionary(p => p.Name, StringComparer.Ordinal);
            var removed = supervised.Programs.Values.Where(p => !wanted.ContainsKey(p.Definition.Name)).ToList();
            await Task.WhenAll(removed.Select(p => p.RemoveAsync(cancellationToken)));
            foreach (var program in removed)
            {
                supervised.Programs.TryRemove(program.Definition.Name, out _);
                program.Dispose();
            }

            var changes = new List<Task>();
            foreach (var definition in programs)
            {
                if (supervised.Programs.TryGetValue(definition.Name, out var existing))
                {
                    if (!ProgramDefinitionComparer.Instance.Equals(existing.Definition, definition))
                    {
                        changes.Add(existing.UpdateAsync(definition, cancellationToken));
                    }
                }
                else
                {
                    var program = NewProgram(supervised, definition);
                    program.Save();
                    supervised.Programs[definition.Name] = program;
                }
            }

            await Task.WhenAll(changes);
        }
        finally
        {
            supervised.Gate.Release();
        }
    }

    public Task StartGroupAsync(string group, CancellationToken cancellationToken) =>
        ForEachProgramAsync(group, (p, ct) => p.StartAsync(ct), cancellationToken);

    public Task StopGroupAsync(string group, CancellationToken cancellationToken) =>
        ForEachProgramAsync(group, (p, ct) => p.StopAsync(ct), cancellationToken);

    public async Task RemoveGroupAsync(string group, CancellationToken cancellationToken)
    {
        if (!groups.TryGetValue(group, out var supervised))
        {
            return;
        }

        await supervised.Gate.WaitAsync(cancellationToken);
        try
        {
            var programs = Snapshot(supervised);
            await Task.WhenAll(programs.Select(p => p.RemoveAsync(cancellationToken)));
            supervised.Programs.Clear();
            foreach (var program in programs)
            {
                program.Dispose();
            }

            if (Directory.Exists(supervised.Directory))
            {
                Directory.Delete(supervised.Directory, recursive: true);
            }

            groups.TryRemove(group, out _);
        }
        finally
        {
            supervised.Gate.Release();
        }
    }

    public Task<IReadOnlyList<ProgramStatus>> GetStatusAsync(string group, CancellationToken cancellationToken)
    {
        IReadOnlyList<ProgramStatus> statuses = groups.TryGetValue(group, out var supervised)
            ? [.. Snapshot(supervised).Select(p => p.Status).OrderBy(s => s.Name, StringComparer.Ordinal)]
            : [];
        return Task.FromResult(statuses);
    }

    public IAsyncEnumerable<ProgramCrash> WatchCrashesAsync(CancellationToken cancellationToken) => crashes.WatchAsync(cancellationToken);

    /// <summary>
    /// Stops supervising. Processes keep running (the next host run adopts them) unless
    /// <see cref="NativeSupervisorOptions.StopProcessesOnShutdown"/> is set.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await logTimer.DisposeAsync();
        var programs = groups.Values.SelectMany(Snapshot).ToList();
        if (options.StopProcessesOnShutdown)
        {
            await Task.WhenAll(programs.Select(p => p.StopAsync(CancellationToken.None)));
        }
        else
        {
            await Task.WhenAll(programs.Select(p => p.DetachAsync()));
        }

        foreach (var program in programs)
        {
            program.Dispose();
        }
    }

    private async Task ForEachProgramAsync(string group, Func<SupervisedProgram, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        if (!groups.TryGetValue(group, out var supervised))
        {
            return;
        }

        await supervised.Gate.WaitAsync(cancellationToken);
        try
        {
            // In parallel: one program that ignores SIGTERM must not delay the others.
            await Task.WhenAll(supervised.Programs.Values.Select(p => action(p, cancellationToken)));
        }
        finally
        {
            supervised.Gate.Release();
        }
    }

    private static List<SupervisedProgram> Snapshot(SupervisedGroup group)
    {
        return [.. group.Programs.Values];
    }

    private SupervisedProgram NewProgram(SupervisedGroup group, ProgramDefinition definition) =>
        new(group.Name, definition, group.StateFile(definition.Name), options, time, logger, crashes);

    private void Restore()
    {
        foreach (var directory in Directory.EnumerateDirectories(options.StateDirectory))
        {
            var name = Path.GetFileName(directory);
            var group = new SupervisedGroup(name, directory);
            foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
            {
                ProgramStateFile? saved;
                try
                {
                    saved = JsonSerializer.Deserialize<ProgramStateFile>(File.ReadAllBytes(file));
                }
                catch (Exception e) when (e is JsonException or IOException)
                {
                    NativeSupervisorLog.UnreadableState(logger, file, e);
                    continue;
                }

                if (saved is null || saved.Definition.Name != Path.GetFileNameWithoutExtension(file))
                {
                    continue;
                }

                var program = NewProgram(group, saved.Definition);
                program.Restore(saved);
                group.Programs[saved.Definition.Name] = program;
            }

            groups[name] = group;
        }
    }

    private void RotateLogs()
    {
        foreach (var program in groups.Values.SelectMany(Snapshot))
        {
            foreach (var file in program.LogFiles())
            {
                try
                {
                    LogRotation.RotateIfLarger(file, options.LogMaxBytes, options.LogBackups);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    NativeSupervisorLog.RotationFailed(logger, file, e);
                }
            }
        }
    }
}
