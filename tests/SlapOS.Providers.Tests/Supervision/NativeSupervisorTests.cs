using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Providers.Supervision;

namespace SlapOS.Providers.Tests.Supervision;

/// <summary>What the native supervisor does beyond the contract: its backoff, pid files, users, options.</summary>
public sealed class NativeSupervisorTests : IAsyncLifetime
{
    private readonly string root = Directory.CreateTempSubdirectory("slapos-native-supervisor-").FullName;
    private readonly List<(NativeSupervisor Supervisor, string Group)> groups = [];

    private string StateDirectory => Path.Combine(root, "state");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var (supervisor, group) in groups)
            {
                try
                {
                    await supervisor.RemoveGroupAsync(group, CancellationToken.None);
                    await supervisor.DisposeAsync();
                }
                catch (ObjectDisposedException)
                {
                    // Disposed by the test; the safety net below kills what is left.
                }
            }
        }
        finally
        {
            ProcessProbe.KillAll(root);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Failed_starts_back_off_exponentially_then_the_program_is_fatal()
    {
        var supervisor = Track(NativeSupervisorFactory.Create(StateDirectory, o =>
        {
            o.StartRetries = 3;
            o.InitialBackoff = TimeSpan.FromMilliseconds(100);
            o.MaxBackoff = TimeSpan.FromSeconds(10);
            o.StartSeconds = TimeSpan.FromSeconds(30);
        }), out var group);
        var starts = Path.Combine(root, "starts");
        await supervisor.UpdateGroupAsync(group, [Program("crashy", $"date +%s%N >> {starts}; exit 1")], CancellationToken.None);

        await supervisor.StartGroupAsync(group, CancellationToken.None);

        await Eventually.UntilAsync(
            async () => (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single().State == ProgramState.Fatal,
            "the program is FATAL");
        var times = File.ReadAllLines(starts).Select(l => long.Parse(l, CultureInfo.InvariantCulture) / 1_000_000).ToArray();
        Assert.Equal(4, times.Length); // the first start and 3 retries
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToArray();
        Assert.True(gaps[0] >= 100 - 5 && gaps[1] >= 200 - 5 && gaps[2] >= 400 - 5, $"backoff did not double: {string.Join(", ", gaps)} ms");
        var status = (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single();
        Assert.Equal(1, status.ExitCode);
        Assert.Null(status.ProcessId);
    }

    [Fact]
    public async Task Adopted_process_that_dies_is_restarted()
    {
        var first = NativeSupervisorFactory.Create(StateDirectory);
        var group = "slappart-" + Guid.NewGuid().ToString("N")[..12];
        await first.UpdateGroupAsync(group, [Program("web", "while :; do sleep 1; done")], CancellationToken.None);
        await first.StartGroupAsync(group, CancellationToken.None);
        var pid = (await first.GetStatusAsync(group, CancellationToken.None)).Single().ProcessId!.Value;
        await first.DisposeAsync();
        var second = NativeSupervisorFactory.Create(StateDirectory);
        groups.Add((second, group));
        Assert.Equal(pid, (await second.GetStatusAsync(group, CancellationToken.None)).Single().ProcessId);

        using (var process = System.Diagnostics.Process.GetProcessById(pid))
        {
            process.Kill();
        }

        await Eventually.UntilAsync(
            async () => (await second.GetStatusAsync(group, CancellationToken.None)).Single() is { State: ProgramState.Running, ProcessId: int p } && p != pid,
            "the adopted program was restarted");
    }

    [Fact]
    public async Task A_pid_reused_by_another_process_is_not_adopted()
    {
        var group = "slappart-" + Guid.NewGuid().ToString("N")[..12];
        var definition = Program("web", "while :; do sleep 1; done");

        // Alive, but not the program: its start time differs.
        var supervisor = await RestoreAsync(group, definition, Environment.ProcessId, PosixProcess.ReadStartTicks(Environment.ProcessId)!.Value + 1);

        var status = Assert.Single(await supervisor.GetStatusAsync(group, CancellationToken.None));
        Assert.Equal(ProgramState.Exited, status.State);
        Assert.Null(status.ProcessId);
        await supervisor.StopGroupAsync(group, CancellationToken.None);
        Assert.True(ProcessProbe.IsAlive(Environment.ProcessId));
    }

    [Fact]
    public async Task A_launched_program_runs_nothing_until_released_and_exits_when_its_supervisor_goes_away()
    {
        var marker = Path.Combine(root, "ran");
        var definition = Program("web", $"touch {marker}; while :; do sleep 1; done");

        // What a supervisor killed after the launch and before the release leaves: its end of the pipe closes.
        var launcher = ProgramLauncher.Start(definition);
        var pid = launcher.Id;
        // Between setsid's exec and the shell's, the command line is briefly neither.
        await Eventually.UntilAsync(() => Task.FromResult(ProgramLauncher.IsLauncher(pid)), "the child is the launcher shell");
        launcher.StandardInput.Close();
        await launcher.WaitForExitAsync();

        Assert.Equal(125, launcher.ExitCode);
        Assert.False(File.Exists(marker), "the program ran although it was never released");
        launcher.Dispose();

        // Released, it runs (and is no longer the launcher shell).
        using var released = ProgramLauncher.Start(definition);
        ProgramLauncher.Release(released);
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(marker)), "the released program ran");
        Assert.False(ProgramLauncher.IsLauncher(released.Id));
        released.Kill(entireProcessTree: true);
    }

    [Fact]
    public async Task A_recorded_process_stuck_in_its_launcher_is_killed_and_the_program_started_once()
    {
        var group = "slappart-" + Guid.NewGuid().ToString("N")[..12];
        var definition = Program("web", "while :; do sleep 1; done");

        // A recorded process stuck in the launcher shell: neither released nor let go (its pipe is still open here),
        // so it neither runs the program nor exits; the new supervisor waits for it, then kills it.
        using var held = ProgramLauncher.Start(definition);
        // Between setsid's exec and the shell's, the command line is briefly neither.
        await Eventually.UntilAsync(() => Task.FromResult(ProgramLauncher.IsLauncher(held.Id)), "the child became the launcher shell");
        var supervisor = await RestoreAsync(group, definition, held.Id, PosixProcess.ReadStartTicks(held.Id)!.Value);

        await Eventually.UntilAsync(
            async () => (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single().State == ProgramState.Exited,
            "the recorded launcher was not given up");
        await held.WaitForExitAsync();
        Assert.Equal(128 + 9, held.ExitCode);

        await supervisor.StartGroupAsync(group, CancellationToken.None);
        var status = Assert.Single(await supervisor.GetStatusAsync(group, CancellationToken.None));
        Assert.Equal(ProgramState.Running, status.State);
        Assert.NotEqual(held.Id, status.ProcessId);
        var started = status.ProcessId!.Value;
        await Eventually.UntilAsync(() => Task.FromResult(!ProgramLauncher.IsLauncher(started)), "the new process was released into the program");
    }

    [Fact]
    public async Task Program_runs_as_its_user_when_the_host_is_root()
    {
        var supervisor = Track(NativeSupervisorFactory.Create(StateDirectory), out var group);
        var nobody = PosixProcess.LookupUser("nobody");
        Assert.NotNull(nobody);
        await supervisor.UpdateGroupAsync(group, [Program("web", "while :; do sleep 1; done") with { User = "nobody" }], CancellationToken.None);

        await supervisor.StartGroupAsync(group, CancellationToken.None);

        var pid = (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single().ProcessId!.Value;
        var expected = PosixProcess.IsRoot ? (int)nobody.Value.UserId : ProcessProbe.UserId(Environment.ProcessId);
        await Eventually.UntilAsync(() => ProcessProbe.UserId(pid) == expected, "the program runs as its user");
    }

    [Fact]
    public async Task Unknown_user_fails_the_start_with_its_name()
    {
        var supervisor = Track(NativeSupervisorFactory.Create(StateDirectory), out var group);
        await supervisor.UpdateGroupAsync(group, [Program("web", "sleep 1") with { User = "slapuser-missing-" + Guid.NewGuid().ToString("N")[..8] }], CancellationToken.None);

        if (PosixProcess.IsRoot)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => supervisor.StartGroupAsync(group, CancellationToken.None));
            Assert.Contains("slapuser-missing-", error.Message, StringComparison.Ordinal);
            Assert.Equal(ProgramState.Fatal, (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single().State);
        }
        else
        {
            // Without root the user cannot be switched: the program runs as the host user.
            await supervisor.StartGroupAsync(group, CancellationToken.None);
            Assert.Equal(ProgramState.Running, (await supervisor.GetStatusAsync(group, CancellationToken.None)).Single().State);
        }
    }

    [Fact]
    public async Task Shutdown_leaves_processes_running_by_default_and_stops_them_when_asked()
    {
        var keep = NativeSupervisorFactory.Create(Path.Combine(root, "state-keep"));
        var stop = NativeSupervisorFactory.Create(Path.Combine(root, "state-stop"), o => o.StopProcessesOnShutdown = true);
        await keep.UpdateGroupAsync("slappart0", [Program("kept", "while :; do sleep 1; done")], CancellationToken.None);
        await stop.UpdateGroupAsync("slappart0", [Program("stopped", "while :; do sleep 1; done")], CancellationToken.None);
        await keep.StartGroupAsync("slappart0", CancellationToken.None);
        await stop.StartGroupAsync("slappart0", CancellationToken.None);
        var kept = (await keep.GetStatusAsync("slappart0", CancellationToken.None)).Single().ProcessId!.Value;
        var stopped = (await stop.GetStatusAsync("slappart0", CancellationToken.None)).Single().ProcessId!.Value;

        await keep.DisposeAsync();
        await stop.DisposeAsync();

        Assert.True(ProcessProbe.IsAlive(kept), "the default shutdown stopped a partition process");
        Assert.False(ProcessProbe.IsAlive(stopped), "StopProcessesOnShutdown did not stop the process");
        var adopter = NativeSupervisorFactory.Create(Path.Combine(root, "state-keep"));
        groups.Add((adopter, "slappart0"));
    }

    [Fact]
    public async Task Group_and_program_names_are_validated()
    {
        var supervisor = Track(NativeSupervisorFactory.Create(StateDirectory), out var group);

        await Assert.ThrowsAsync<SlapValidationException>(() => supervisor.UpdateGroupAsync("../escape", [], CancellationToken.None));
        await Assert.ThrowsAsync<SlapValidationException>(() => supervisor.UpdateGroupAsync(group, [Program("../web", "true")], CancellationToken.None));
        var duplicate = await Assert.ThrowsAsync<SlapValidationException>(() => supervisor.UpdateGroupAsync(group, [Program("web", "true"), Program("web", "true")], CancellationToken.None));
        Assert.Contains("web", duplicate.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "escape")));
    }

    [Fact]
    public void Log_rotation_keeps_the_configured_number_of_backups()
    {
        var log = Path.Combine(root, "web.log");
        File.WriteAllText(log + ".1", "older");
        File.WriteAllText(log + ".2", "oldest");
        File.WriteAllText(log, new string('x', 2048));

        LogRotation.RotateIfLarger(log, 1024, 2);

        Assert.Equal(0, new FileInfo(log).Length);
        Assert.Equal(2048, new FileInfo(log + ".1").Length);
        Assert.Equal("older", File.ReadAllText(log + ".2"));
        Assert.False(File.Exists(log + ".3"));
        LogRotation.RotateIfLarger(log, 1024, 2);
        Assert.Equal(2048, new FileInfo(log + ".1").Length);
    }

    [Fact]
    public async Task UseNativeSupervisor_replaces_an_earlier_supervisor_and_binds_its_options()
    {
        var builder = Substitute.For<ISlapOSSlaveBuilder>();
        var services = new ServiceCollection();
        builder.Services.Returns(services);
        services.AddSingleton(Substitute.For<IProcessSupervisor>());
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SlapOS:Slave:NativeSupervisor:StartRetries"] = "7" })
            .Build());

        builder.UseNativeSupervisor(o => o.StateDirectory = StateDirectory).UseNativeSupervisor(o => o.StateDirectory = StateDirectory);

        await using var provider = services.BuildServiceProvider();
        Assert.Single(services, d => d.ServiceType == typeof(IProcessSupervisor));
        Assert.Single(services, d => d.ImplementationType == typeof(NativeSupervisorShutdown));
        Assert.IsType<NativeSupervisor>(provider.GetRequiredService<IProcessSupervisor>());
        var options = provider.GetRequiredService<IOptions<NativeSupervisorOptions>>().Value;
        Assert.Equal(7, options.StartRetries);
        Assert.Equal(StateDirectory, options.StateDirectory);
    }

    [Fact]
    public async Task Bad_options_fail_the_host_start_with_a_clear_message()
    {
        var builder = Host.CreateApplicationBuilder();
        var slave = Substitute.For<ISlapOSSlaveBuilder>();
        slave.Services.Returns(builder.Services);
        slave.UseNativeSupervisor(o =>
        {
            o.StateDirectory = "relative/state";
            o.MaxBackoff = TimeSpan.Zero;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("StateDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("InitialBackoff", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A supervisor started on a state file that a previous host left for <paramref name="group"/>'s program "web".</summary>
    private async Task<NativeSupervisor> RestoreAsync(string group, ProgramDefinition definition, int processId, long startTicks)
    {
        var directory = Directory.CreateDirectory(Path.Combine(StateDirectory, group)).FullName;
        var saved = new ProgramStateFile { Definition = definition, ProcessId = processId, StartTicks = startTicks, StartedAt = DateTimeOffset.UtcNow };
        await File.WriteAllBytesAsync(Path.Combine(directory, "web.json"), JsonSerializer.SerializeToUtf8Bytes(saved));
        var supervisor = NativeSupervisorFactory.Create(StateDirectory);
        groups.Add((supervisor, group));
        return supervisor;
    }

    private NativeSupervisor Track(NativeSupervisor supervisor, out string group)
    {
        group = "slappart-" + Guid.NewGuid().ToString("N")[..12];
        groups.Add((supervisor, group));
        return supervisor;
    }

    /// <summary>A <c>sh -c</c> program whose command line mentions the test dir (for clean-up).</summary>
    private ProgramDefinition Program(string name, string script)
    {
        var work = Directory.CreateDirectory(Path.Combine(root, "work")).FullName;
        return new ProgramDefinition
        {
            Name = name,
            Command = "/bin/sh",
            Arguments = ["-c", $"{script} # {root}"],
            WorkingDirectory = work,
            StdoutLogFile = Path.Combine(root, "log", name + ".log"),
            StopTimeout = TimeSpan.FromMilliseconds(500),
        };
    }
}
