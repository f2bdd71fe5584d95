using System.Globalization;
using Xunit;

namespace SlapOS.Testing;

/// <summary>
/// The contract of <see cref="IProcessSupervisor"/>, written against the interface only, so the same
/// suite runs against every supervisor (native, real supervisord). Programs are <c>/bin/sh</c>
/// scripts in a private temp dir; every process they start mentions that dir on its command line,
/// which is how the tests count processes and clean up. Derive a test class from it, implement
/// <see cref="CreateSupervisor"/> and <see cref="ReleaseAsync"/>, and xunit runs every test below
/// against your supervisor (Linux: the tests look at processes through <c>/proc</c>).
/// </summary>
public abstract class ProcessSupervisorConformanceTests : IAsyncLifetime
{
    private readonly List<(IProcessSupervisor Supervisor, string Group)> groups = [];
    private readonly List<IProcessSupervisor> supervisors = [];

    /// <summary>Makes the test's private directory (one per test: xunit creates the class for each test).</summary>
    protected ProcessSupervisorConformanceTests()
    {
        Root = Directory.CreateTempSubdirectory("slapos-supervisor-").FullName;
        StateDirectory = Path.Combine(Root, "state");
        WorkDirectory = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
    }

    /// <summary>The test's private directory.</summary>
    protected string Root { get; }

    /// <summary>Where the supervisor under test keeps its state (same dir = same node after a host restart).</summary>
    protected string StateDirectory { get; }

    /// <summary>Working directory of the programs.</summary>
    protected string WorkDirectory { get; }

    /// <summary>How long programs get between SIGTERM and SIGKILL in these tests.</summary>
    protected virtual TimeSpan StopTimeout => TimeSpan.FromMilliseconds(500);

    /// <summary>Creates a supervisor whose state lives in <paramref name="stateDirectory"/>; it must restart crashed programs within seconds.</summary>
    protected abstract IProcessSupervisor CreateSupervisor(string stateDirectory);

    /// <summary>What happens to a supervisor when its host stops: it lets go, without stopping the processes.</summary>
    protected abstract ValueTask ReleaseAsync(IProcessSupervisor supervisor);

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        try
        {
            foreach (var (supervisor, group) in groups)
            {
                try
                {
                    await supervisor.RemoveGroupAsync(group, CancellationToken.None);
                }
                catch (ObjectDisposedException)
                {
                    // Released supervisor: the safety net below kills what is left.
                }
            }

            foreach (var supervisor in supervisors)
            {
                await ReleaseAsync(supervisor);
            }
        }
        finally
        {
            ProcessProbe.KillAll(Root);
            Directory.Delete(Root, recursive: true);
        }
    }

    /// <summary>A started group runs each of its programs, and the status gives each one's pid.</summary>
    [Fact]
    public async Task Started_group_runs_every_program_with_its_pid()
    {
        var (supervisor, group, _, _) = await StartWebAndDbAsync();

        var status = await supervisor.GetStatusAsync(group, CancellationToken.None);
        Assert.Equal(["db", "web"], status.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.All(status, s => Assert.Equal(ProgramState.Running, s.State));
        Assert.All(status, s => Assert.Equal(group, s.Group));
        Assert.All(status, s => Assert.NotNull(s.StartedAt));
        Assert.Equal(ReadPid("web"), status.Single(s => s.Name == "web").ProcessId);
        Assert.Equal(ReadPid("db"), status.Single(s => s.Name == "db").ProcessId);
        Assert.Equal(2, ProcessesOf("web").Count + ProcessesOf("db").Count);
    }

    /// <summary>Stopping a group kills each program and the processes it started.</summary>
    [Fact]
    public async Task Stop_kills_the_whole_process_tree()
    {
        var supervisor = NewSupervisor();
        var group = NewGroup(supervisor);
        var child = Script("child", $"echo $$ > {Quote(PidFile("child"))}\nwhile :; do sleep 1; done");
        var parent = Script("parent", $"echo $$ > {Quote(PidFile("parent"))}\n/bin/sh {Quote(child)} &\nwhile :; do sleep 1; done");
        await supervisor.UpdateGroupAsync(group, [Program("parent", parent)], CancellationToken.None);
        await supervisor.StartGroupAsync(group, CancellationToken.None);
        var parentPid = await WaitForPidFileAsync("parent");
        var childPid = await WaitForPidFileAsync("child");
        Assert.True(ProcessProbe.IsAlive(childPid));

        await supervisor.StopGroupAsync(group, CancellationToken.None);

        Assert.False(ProcessProbe.IsAlive(parentPid), "the program is still alive");
        Assert.False(ProcessProbe.IsAlive(childPid), "the program's child is still alive");
        var status = Assert.Single(await supervisor.GetStatusAsync(group, CancellationToken.None));
        Assert.Equal(ProgramState.Stopped, status.State);
        Assert.Null(status.ProcessId);
    }

    /// <summary>A program that exits is started again, each time as a new process.</summary>
    [Fact]
    public async Task Crashed_program_is_restarted_with_a_new_pid()
    {
        var supervisor = NewSupervisor();
        var group = NewGroup(supervisor);
        var starts = Path.Combine(Root, "starts");
        var script = Script("crashy", $"echo $$ >> {Quote(starts)}\nsleep 0.2\nexit 3");
        await supervisor.UpdateGroupAsync(group, [Program("crashy", script)], CancellationToken.None);

        await supervisor.StartGroupAsync(group, CancellationToken.None);

        await Eventually.UntilAsync(() => Lines(starts).Length >= 3, "the program was restarted twice");
        Assert.Equal(Lines(starts).Length, Lines(starts).Distinct().Count());
        await supervisor.StopGroupAsync(group, CancellationToken.None);
        Assert.Empty(ProcessesOf("crashy"));
    }

    /// <summary>The crash of a watched program is reported with its exit code; a program not restarted shows as exited.</summary>
    [Fact]
    public async Task Watched_program_crash_is_reported()
    {
        var supervisor = NewSupervisor();
        var group = NewGroup(supervisor);
        var script = Script("watched", "sleep 0.1\nexit 7");
        await supervisor.UpdateGroupAsync(group, [Program("watched", script) with { Watched = true, AutoRestart = false }], CancellationToken.None);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await using var crashes = supervisor.WatchCrashesAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = crashes.MoveNextAsync();

        await supervisor.StartGroupAsync(group, CancellationToken.None);

        Assert.True(await next);
        Assert.Equal(group, crashes.Current.Group);
        Assert.Equal("watched", crashes.Current.Name);
        Assert.Equal(7, crashes.Current.ExitCode);
        await Eventually.UntilAsync(
            async () => (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single().State == ProgramState.Exited,
            "the program that is not restarted is EXITED");
        Assert.Equal(7, (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single().ExitCode);
    }

    /// <summary>A program that ignores SIGTERM is killed once its stop timeout has passed.</summary>
    [Fact]
    public async Task Program_that_survives_SIGTERM_is_killed_after_the_stop_timeout()
    {
        var supervisor = NewSupervisor();
        var group = NewGroup(supervisor);
        var terms = Path.Combine(Root, "terms");
        var script = Script("stubborn", $"trap 'echo term >> {Quote(terms)}' TERM\necho $$ > {Quote(PidFile("stubborn"))}\nwhile :; do sleep 0.1; done");
        await supervisor.UpdateGroupAsync(group, [Program("stubborn", script)], CancellationToken.None);
        await supervisor.StartGroupAsync(group, CancellationToken.None);
        var pid = await WaitForPidFileAsync("stubborn");

        await supervisor.StopGroupAsync(group, CancellationToken.None);

        Assert.Contains("term", Lines(terms));
        Assert.False(ProcessProbe.IsAlive(pid), "the program that survived SIGTERM is still alive");
        Assert.Empty(ProcessesOf("stubborn"));
        Assert.Equal(ProgramState.Stopped, (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single().State);
    }

    /// <summary>A new supervisor over the same state adopts the running programs and never starts a second copy.</summary>
    [Fact]
    public async Task Restarted_host_adopts_running_processes_and_never_starts_a_second_copy()
    {
        var first = NewSupervisor();
        var group = NewGroup(first);
        var definitions = new[] { Looping("web") };
        await first.UpdateGroupAsync(group, definitions, CancellationToken.None);
        await first.StartGroupAsync(group, CancellationToken.None);
        var pid = await WaitForPidFileAsync("web");

        await ReleaseAsync(first);
        supervisors.Remove(first);
        groups.RemoveAll(g => g.Supervisor == first);
        Assert.True(ProcessProbe.IsAlive(pid), "releasing the supervisor stopped the program");
        var second = NewSupervisor();
        groups.Add((second, group));

        var adopted = Assert.Single(await second.GetStatusAsync(group, CancellationToken.None));
        Assert.Equal(ProgramState.Running, adopted.State);
        Assert.Equal(pid, adopted.ProcessId);
        await second.UpdateGroupAsync(group, definitions, CancellationToken.None);
        await second.StartGroupAsync(group, CancellationToken.None);
        Assert.Equal([pid], ProcessesOf("web"));
        Assert.Equal(pid, (await second.GetStatusAsync(group, CancellationToken.None)).Single().ProcessId);

        await second.StopGroupAsync(group, CancellationToken.None);
        Assert.False(ProcessProbe.IsAlive(pid), "the adopted program was not stopped");
    }

    /// <summary>An update without a program stops that program and leaves the others running.</summary>
    [Fact]
    public async Task Update_that_removes_a_program_stops_it_and_keeps_the_others()
    {
        var (supervisor, group, web, db) = await StartWebAndDbAsync();

        await supervisor.UpdateGroupAsync(group, [Looping("web")], CancellationToken.None);

        Assert.False(ProcessProbe.IsAlive(db), "the removed program is still alive");
        var status = Assert.Single(await supervisor.GetStatusAsync(group, CancellationToken.None));
        Assert.Equal("web", status.Name);
        Assert.Equal(ProgramState.Running, status.State);
        Assert.Equal(web, status.ProcessId);
    }

    /// <summary>An update that changes one program restarts that program only.</summary>
    [Fact]
    public async Task Update_that_changes_a_running_program_restarts_only_that_program()
    {
        var (supervisor, group, web, db) = await StartWebAndDbAsync();

        var changed = Looping("db") with { Environment = new Dictionary<string, string> { ["PORT"] = "5432" } };
        await supervisor.UpdateGroupAsync(group, [Looping("web"), changed], CancellationToken.None);

        var status = await supervisor.GetStatusAsync(group, CancellationToken.None);
        Assert.Equal(web, status.Single(s => s.Name == "web").ProcessId);
        var newDb = status.Single(s => s.Name == "db");
        Assert.Equal(ProgramState.Running, newDb.State);
        Assert.NotEqual(db, newDb.ProcessId);
        Assert.False(ProcessProbe.IsAlive(db), "the old copy of the changed program is still alive");
    }

    /// <summary>An update defines programs without starting them.</summary>
    [Fact]
    public async Task Update_does_not_start_programs()
    {
        var supervisor = NewSupervisor();
        var group = NewGroup(supervisor);

        await supervisor.UpdateGroupAsync(group, [Looping("web")], CancellationToken.None);

        var status = Assert.Single(await supervisor.GetStatusAsync(group, CancellationToken.None));
        Assert.Equal(ProgramState.Stopped, status.State);
        Assert.Null(status.ProcessId);
        Assert.Empty(ProcessesOf("web"));
    }

    /// <summary>The status of a group never defined is empty.</summary>
    [Fact]
    public async Task Status_of_an_unknown_group_is_empty()
    {
        var supervisor = NewSupervisor();

        Assert.Empty(await supervisor.GetStatusAsync("slappart-unknown-" + Guid.NewGuid().ToString("N"), CancellationToken.None));
    }

    /// <summary>A removed group is stopped and then unknown.</summary>
    [Fact]
    public async Task Removed_group_is_stopped_and_forgotten()
    {
        var supervisor = NewSupervisor();
        var group = NewGroup(supervisor);
        await supervisor.UpdateGroupAsync(group, [Looping("web")], CancellationToken.None);
        await supervisor.StartGroupAsync(group, CancellationToken.None);
        var pid = await WaitForPidFileAsync("web");

        await supervisor.RemoveGroupAsync(group, CancellationToken.None);

        Assert.False(ProcessProbe.IsAlive(pid), "the program of the removed group is still alive");
        Assert.Empty(await supervisor.GetStatusAsync(group, CancellationToken.None));
    }

    /// <summary>A program's standard output and error go to their own log files.</summary>
    [Fact]
    public async Task Program_output_goes_to_its_log_files()
    {
        var supervisor = NewSupervisor();
        var group = NewGroup(supervisor);
        var stdout = Path.Combine(Root, "logs", "talk.log");
        var stderr = Path.Combine(Root, "logs", "talk.err.log");
        var script = Script("talk", "echo to-stdout\necho to-stderr >&2\nwhile :; do sleep 1; done");
        await supervisor.UpdateGroupAsync(group, [Program("talk", script) with { StdoutLogFile = stdout, StderrLogFile = stderr }], CancellationToken.None);

        await supervisor.StartGroupAsync(group, CancellationToken.None);

        await Eventually.UntilAsync(() => Lines(stdout).Contains("to-stdout") && Lines(stderr).Contains("to-stderr"), "the program's output is in its log files");
        Assert.DoesNotContain("to-stderr", Lines(stdout));
    }

    /// <summary>A new group with two looping programs, web and db, started; gives their pids once both run.</summary>
    private async Task<(IProcessSupervisor Supervisor, string Group, int Web, int Db)> StartWebAndDbAsync()
    {
        var supervisor = NewSupervisor();
        var group = NewGroup(supervisor);
        await supervisor.UpdateGroupAsync(group, [Looping("web"), Looping("db")], CancellationToken.None);
        await supervisor.StartGroupAsync(group, CancellationToken.None);
        return (supervisor, group, await WaitForPidFileAsync("web"), await WaitForPidFileAsync("db"));
    }

    /// <summary>A supervisor cleaned up at the end of the test.</summary>
    protected IProcessSupervisor NewSupervisor()
    {
        var supervisor = CreateSupervisor(StateDirectory);
        supervisors.Add(supervisor);
        return supervisor;
    }

    /// <summary>A unique group name, removed at the end of the test.</summary>
    protected string NewGroup(IProcessSupervisor supervisor)
    {
        var group = "slappart-" + Guid.NewGuid().ToString("N")[..12];
        groups.Add((supervisor, group));
        return group;
    }

    /// <summary>Writes an executable shell script in the test's dir.</summary>
    protected string Script(string name, string body)
    {
        var path = Path.Combine(Root, "bin", name + ".sh");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    /// <summary>A program that runs <paramref name="script"/> with <c>/bin/sh</c>.</summary>
    protected ProgramDefinition Program(string name, string script) => new()
    {
        Name = name,
        Command = "/bin/sh",
        Arguments = [script],
        WorkingDirectory = WorkDirectory,
        StopTimeout = StopTimeout,
    };

    /// <summary>A program that writes its pid file and runs until stopped.</summary>
    protected ProgramDefinition Looping(string name) =>
        Program(name, Script(name, $"echo $$ > {Quote(PidFile(name))}\nwhile :; do sleep 1; done"));

    /// <summary>Where the program <paramref name="name"/> writes its pid.</summary>
    protected string PidFile(string name) => Path.Combine(Root, name + ".pid");

    /// <summary>The pid the program <paramref name="name"/> wrote.</summary>
    protected int ReadPid(string name) => int.Parse(File.ReadAllText(PidFile(name)).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Waits until the program <paramref name="name"/> has written its pid, and returns it.</summary>
    protected async Task<int> WaitForPidFileAsync(string name)
    {
        await Eventually.UntilAsync(() => File.Exists(PidFile(name)) && File.ReadAllText(PidFile(name)).EndsWith('\n'), $"{name} wrote its pid file");
        return ReadPid(name);
    }

    /// <summary>Live copies of the script <paramref name="name"/> (a copy's momentary forks not counted).</summary>
    protected List<int> ProcessesOf(string name) => ProcessProbe.CopiesOf(Path.Combine(Root, "bin", name + ".sh"));

    /// <summary>The lines of <paramref name="file"/>, none when it does not exist.</summary>
    protected static string[] Lines(string file) => File.Exists(file) ? File.ReadAllLines(file) : [];

    /// <summary><paramref name="path"/> quoted for <c>/bin/sh</c>.</summary>
    protected static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
