using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Providers.Supervision;
using SlapOS.Providers.Supervisord;
using SlapOS.Providers.Tests.Supervision;

namespace SlapOS.Providers.Tests.Supervisord;

/// <summary>What the supervisord provider does beyond the contract: SlapOS's layout, one daemon per node, shutdown.</summary>
public sealed class SupervisordTests : IAsyncLifetime
{
    private readonly string root = Directory.CreateTempSubdirectory("slapos-supd-test-").FullName;
    private readonly List<SupervisordSupervisor> supervisors = [];

    private string DaemonDirectory => Path.Combine(root, "etc");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var supervisor in supervisors)
        {
            await supervisor.DisposeAsync();
        }

        // Shuts the private supervisord down (stopping its programs), kills leftovers, deletes the dir.
        await SupervisordFactory.ShutdownAndDeleteAsync(DaemonDirectory, root);
    }

    [Fact]
    public async Task Partition_file_follows_SlapOS_layout()
    {
        var supervisor = New();
        var programs = new[]
        {
            Program("web", "while :; do sleep 1; done") with { Environment = new Dictionary<string, string> { ["PORT"] = "8080", ["GREETING"] = "50% off, today" } },
            Program("watcher", "while :; do sleep 1; done") with { Watched = true, User = "nobody", StopTimeout = TimeSpan.FromSeconds(1.5) },
        };

        await supervisor.UpdateGroupAsync("slappart7", programs, CancellationToken.None);

        var main = File.ReadAllText(Path.Combine(DaemonDirectory, "supervisord.conf"));
        Assert.Contains($"file = {Path.Combine(DaemonDirectory, "supervisord.sock")}", main, StringComparison.Ordinal);
        Assert.Contains($"files = {Path.Combine(DaemonDirectory, "supervisord.conf.d", "*.conf")}", main, StringComparison.Ordinal);
        var file = File.ReadAllText(Path.Combine(DaemonDirectory, "supervisord.conf.d", "slappart7.conf"));
        Assert.Contains("[group:slappart7]\nprograms = slappart7_web,slappart7_watcher\n", file, StringComparison.Ordinal);
        Assert.Contains("[program:slappart7_watcher]\nprocess_name = watcher-on-watch\n", file, StringComparison.Ordinal);
        Assert.Contains("[program:slappart7_web]\nprocess_name = web\n", file, StringComparison.Ordinal);
        Assert.Contains("stopasgroup = true", file, StringComparison.Ordinal);
        Assert.Contains("killasgroup = true", file, StringComparison.Ordinal);
        Assert.Contains("stopwaitsecs = 2", file, StringComparison.Ordinal);
        Assert.Contains("autostart = false", file, StringComparison.Ordinal);
        Assert.Contains("environment = GREETING=\"50%% off, today\",PORT=\"8080\"", file, StringComparison.Ordinal);
        Assert.Equal(PosixProcess.IsRoot, file.Contains("user = nobody", StringComparison.Ordinal));
        var status = await supervisor.GetStatusAsync("slappart7", CancellationToken.None);
        Assert.Equal(["watcher", "web"], status.Select(s => s.Name));

        // Operators see SlapOS's names with supervisorctl.
        var (_, listed) = Run("/usr/bin/supervisorctl", "-c", Path.Combine(DaemonDirectory, "supervisord.conf"), "status");
        Assert.Contains("slappart7:watcher-on-watch", listed, StringComparison.Ordinal);
        Assert.Contains("slappart7:web", listed, StringComparison.Ordinal);
        Assert.All(status, s => Assert.Equal(ProgramState.Stopped, s.State));
    }

    [Fact]
    public async Task Programs_get_their_environment_and_user()
    {
        var supervisor = New();
        var output = Path.Combine(root, "env.out");
        await supervisor.UpdateGroupAsync("slappart1", [
            Program("env", $"echo \"$GREETING|$(id -un)\" > {output}; while :; do sleep 1; done") with
            {
                User = "nobody",
                Environment = new Dictionary<string, string> { ["GREETING"] = "50% off, today" },
            },
        ], CancellationToken.None);
        File.SetUnixFileMode(root, (UnixFileMode)0b111_111_111); // nobody writes the output file

        await supervisor.StartGroupAsync("slappart1", CancellationToken.None);

        await Eventually.UntilAsync(() => File.Exists(output) && File.ReadAllText(output).EndsWith('\n'), "the program wrote its environment");
        var expectedUser = PosixProcess.IsRoot ? "nobody" : Environment.UserName;
        Assert.Equal($"50% off, today|{expectedUser}", File.ReadAllText(output).Trim());
    }

    [Fact]
    public async Task A_second_provider_reuses_the_running_supervisord()
    {
        var first = New();
        await first.UpdateGroupAsync("slappart0", [Program("web", "while :; do sleep 1; done")], CancellationToken.None);
        await first.StartGroupAsync("slappart0", CancellationToken.None);
        var daemonPid = ReadDaemonPid();
        var webPid = (await first.GetStatusAsync("slappart0", CancellationToken.None)).Single().ProcessId;

        var second = New();
        var status = Assert.Single(await second.GetStatusAsync("slappart0", CancellationToken.None));

        Assert.Equal(daemonPid, ReadDaemonPid());
        Assert.Equal(ProgramState.Running, status.State);
        Assert.Equal(webPid, status.ProcessId);
        // A child supervisord forks shows its command line until it execs: count copies, not forks.
        Assert.Single(ProcessProbe.CopiesOf(Path.Combine(DaemonDirectory, "supervisord.conf")));
    }

    [Fact]
    public async Task A_dead_supervisord_is_started_again_with_the_partitions_it_had()
    {
        var first = New();
        await first.UpdateGroupAsync("slappart6", [Program("web", "while :; do sleep 1; done")], CancellationToken.None);
        await first.StartGroupAsync("slappart6", CancellationToken.None);
        var daemonPid = ReadDaemonPid();
        var webPid = (await first.GetStatusAsync("slappart6", CancellationToken.None)).Single().ProcessId!.Value;
        using (var daemon = System.Diagnostics.Process.GetProcessById(daemonPid))
        {
            daemon.Kill(); // SIGKILL: its socket file stays behind
        }

        ProcessProbe.KillAll(root);
        await Eventually.UntilAsync(() => !ProcessProbe.IsAlive(daemonPid) && !ProcessProbe.IsAlive(webPid), "supervisord and its program are dead");
        Assert.True(File.Exists(Path.Combine(DaemonDirectory, "supervisord.sock")));

        var status = Assert.Single(await New().GetStatusAsync("slappart6", CancellationToken.None));

        Assert.NotEqual(daemonPid, ReadDaemonPid());
        Assert.Equal(("web", ProgramState.Stopped), (status.Name, status.State));
    }

    [Fact]
    public async Task Crash_of_a_watched_program_names_its_partition_and_program()
    {
        var supervisor = New();
        await supervisor.UpdateGroupAsync("slappart8", [
            Program("quiet", "while :; do sleep 1; done"),
            Program("watcher", "sleep 0.3; exit 5") with { Watched = true, AutoRestart = false },
        ], CancellationToken.None);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        await using var crashes = supervisor.WatchCrashesAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = crashes.MoveNextAsync();

        await supervisor.StartGroupAsync("slappart8", CancellationToken.None);

        Assert.True(await next);
        Assert.Equal(("slappart8", "watcher", 5), (crashes.Current.Group, crashes.Current.Name, crashes.Current.ExitCode));
        var quiet = (await supervisor.GetStatusAsync("slappart8", CancellationToken.None)).Single(s => s.Name == "quiet");
        Assert.Equal(ProgramState.Running, quiet.State);
    }

    [Fact]
    public async Task Shutdown_stops_supervisord_and_every_program()
    {
        var supervisor = New();
        await supervisor.UpdateGroupAsync("slappart0", [Program("web", "while :; do sleep 1; done"), Program("db", "while :; do sleep 1; done")], CancellationToken.None);
        await supervisor.StartGroupAsync("slappart0", CancellationToken.None);
        var daemonPid = ReadDaemonPid();
        var programs = (await supervisor.GetStatusAsync("slappart0", CancellationToken.None)).Select(s => s.ProcessId!.Value).ToList();
        Assert.Equal(2, programs.Count);

        await supervisor.ShutdownDaemonAsync(CancellationToken.None);

        Assert.False(ProcessProbe.IsAlive(daemonPid), "supervisord is still alive");
        Assert.All(programs, pid => Assert.False(ProcessProbe.IsAlive(pid), $"program {pid} is still alive"));
        Assert.Empty(ProcessProbe.WithCommandLineContaining(root));
    }

    [Fact]
    public async Task With_one_group_per_partition_a_changed_program_restarts_the_whole_group()
    {
        var supervisor = New();
        await supervisor.UpdateGroupAsync("slappart2", [Program("web", "while :; do sleep 1; done"), Program("db", "while :; do sleep 1; done")], CancellationToken.None);
        await supervisor.StartGroupAsync("slappart2", CancellationToken.None);
        var before = (await supervisor.GetStatusAsync("slappart2", CancellationToken.None)).ToDictionary(s => s.Name, s => s.ProcessId);

        await supervisor.UpdateGroupAsync("slappart2", [Program("web", "while :; do sleep 1; done"), Program("db", "while :; do sleep 2; done")], CancellationToken.None);

        // supervisord replaces a changed group as a whole (as supervisorctl update does for SlapOS).
        var after = await supervisor.GetStatusAsync("slappart2", CancellationToken.None);
        Assert.All(after, s => Assert.Equal(ProgramState.Running, s.State));
        Assert.All(after, s => Assert.NotEqual(before[s.Name], s.ProcessId));
        Assert.All(before.Values, pid => Assert.False(ProcessProbe.IsAlive(pid!.Value)));
    }

    [Fact]
    public async Task Rejected_configuration_keeps_the_previous_file_and_the_node_usable()
    {
        var supervisor = New();
        var good = Program("web", "while :; do sleep 1; done");
        await supervisor.UpdateGroupAsync("slappart3", [good], CancellationToken.None);
        var file = Path.Combine(DaemonDirectory, "supervisord.conf.d", "slappart3.conf");
        var previous = File.ReadAllText(file);
        var bad = good with { User = "slapuser-missing-" + Guid.NewGuid().ToString("N")[..8] };

        if (PosixProcess.IsRoot)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => supervisor.UpdateGroupAsync("slappart3", [bad], CancellationToken.None));
            Assert.Contains("slapuser-missing-", error.Message, StringComparison.Ordinal);
            Assert.Equal(previous, File.ReadAllText(file));
        }

        await supervisor.UpdateGroupAsync("slappart4", [Program("db", "while :; do sleep 1; done")], CancellationToken.None);
        Assert.Single(await supervisor.GetStatusAsync("slappart4", CancellationToken.None));
    }

    [Fact]
    public async Task Removed_group_leaves_no_file_and_no_supervisord_group()
    {
        var supervisor = New();
        await supervisor.UpdateGroupAsync("slappart5", [Program("web", "while :; do sleep 1; done")], CancellationToken.None);
        await supervisor.StartGroupAsync("slappart5", CancellationToken.None);

        await supervisor.RemoveGroupAsync("slappart5", CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(DaemonDirectory, "supervisord.conf.d", "slappart5.conf")));
        Assert.Empty(await supervisor.GetStatusAsync("slappart5", CancellationToken.None));
        var error = await Assert.ThrowsAsync<XmlRpcFaultException>(() => RawCallAsync("supervisor.getProcessInfo", "slappart5:web"));
        Assert.Equal(SupervisordFaults.BadName, error.Code);
    }

    [Fact]
    public async Task Names_and_values_that_supervisord_would_misread_are_refused()
    {
        var supervisor = New();

        await Assert.ThrowsAsync<SlapValidationException>(() => supervisor.UpdateGroupAsync("slap:part", [], CancellationToken.None));
        await Assert.ThrowsAsync<SlapValidationException>(() => supervisor.UpdateGroupAsync("slappart0", [Program("we]b", "true")], CancellationToken.None));
        await Assert.ThrowsAsync<SlapValidationException>(() => supervisor.UpdateGroupAsync("slappart0", [Program("web", "true") with { WorkingDirectory = "/tmp/a ;b" }], CancellationToken.None));
        await Assert.ThrowsAsync<SlapValidationException>(() => supervisor.UpdateGroupAsync("slappart0", [Program("web", "true"), Program("web", "true")], CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(DaemonDirectory, "supervisord.conf.d", "slappart0.conf")));
    }

    [Fact]
    public void Crash_detection_reads_supervisord_state_changes()
    {
        SupervisordProcessInfo Info(int state, int pid = 0, long start = 100, long stop = 0, int exit = 0, string name = "web-on-watch") =>
            new("slappart0", name, state, pid, start, stop, exit, string.Empty);

        Assert.Equal(7, SupervisordSupervisor.DetectCrash(Info(SupervisordProcessInfo.Running, 10), Info(SupervisordProcessInfo.Exited, stop: 101, exit: 7))?.Code);
        Assert.Null(SupervisordSupervisor.DetectCrash(Info(SupervisordProcessInfo.Exited, stop: 101, exit: 7), Info(SupervisordProcessInfo.Exited, stop: 101, exit: 7)));
        Assert.Null(SupervisordSupervisor.DetectCrash(Info(SupervisordProcessInfo.Running, 10), Info(SupervisordProcessInfo.Exited, stop: 101, exit: 0)));
        Assert.Null(SupervisordSupervisor.DetectCrash(Info(SupervisordProcessInfo.Running, 10), Info(SupervisordProcessInfo.Stopped, stop: 101)));
        Assert.NotNull(SupervisordSupervisor.DetectCrash(Info(SupervisordProcessInfo.Running, 10), Info(SupervisordProcessInfo.Running, 11, start: 101)));
        Assert.NotNull(SupervisordSupervisor.DetectCrash(Info(SupervisordProcessInfo.Running, 10), Info(SupervisordProcessInfo.Backoff)));
        Assert.Null(SupervisordSupervisor.DetectCrash(Info(SupervisordProcessInfo.Running, 10, name: "web"), Info(SupervisordProcessInfo.Exited, stop: 101, exit: 7, name: "web")));
    }

    [Fact]
    public async Task UseSupervisord_replaces_an_earlier_supervisor_and_binds_its_options()
    {
        var builder = Substitute.For<ISlapOSSlaveBuilder>();
        var services = new ServiceCollection();
        builder.Services.Returns(services);
        services.AddSingleton(Substitute.For<IProcessSupervisor>());
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SlapOS:Slave:Supervisord:StartRetries"] = "7" })
            .Build());

        builder.UseSupervisord(o => o.Directory = DaemonDirectory).UseSupervisord(o => o.Directory = DaemonDirectory);

        await using var provider = services.BuildServiceProvider();
        Assert.Single(services, d => d.ServiceType == typeof(IProcessSupervisor));
        Assert.Single(services, d => d.ImplementationType == typeof(SupervisordShutdown));
        Assert.IsType<SupervisordSupervisor>(provider.GetRequiredService<IProcessSupervisor>());
        var options = provider.GetRequiredService<IOptions<SupervisordOptions>>().Value;
        Assert.Equal(7, options.StartRetries);
        Assert.Equal(DaemonDirectory, options.Directory);
    }

    [Fact]
    public async Task Bad_options_fail_the_host_start_with_a_clear_message()
    {
        var builder = Host.CreateApplicationBuilder();
        var slave = Substitute.For<ISlapOSSlaveBuilder>();
        slave.Services.Returns(builder.Services);
        slave.UseSupervisord(o =>
        {
            o.Directory = "relative/etc";
            o.PollInterval = TimeSpan.Zero;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Directory", error.Message, StringComparison.Ordinal);
        Assert.Contains("PollInterval", error.Message, StringComparison.Ordinal);
    }

    private SupervisordSupervisor New()
    {
        var supervisor = SupervisordFactory.Create(DaemonDirectory);
        supervisors.Add(supervisor);
        return supervisor;
    }

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    private int ReadDaemonPid() => int.Parse(File.ReadAllText(Path.Combine(DaemonDirectory, "supervisord.pid")).Trim(), CultureInfo.InvariantCulture);

    private async Task<object?> RawCallAsync(string method, params object?[] parameters)
    {
        using var client = new XmlRpcClient(Path.Combine(DaemonDirectory, "supervisord.sock"), TimeSpan.FromSeconds(10));
        return await client.CallAsync(method, parameters, CancellationToken.None);
    }

    /// <summary>A <c>sh -c</c> program whose command line mentions the test dir (for clean-up).</summary>
    private ProgramDefinition Program(string name, string script) => new()
    {
        Name = name,
        Command = "/bin/sh",
        Arguments = ["-c", $"{script} # {root}"],
        WorkingDirectory = Directory.CreateDirectory(Path.Combine(root, "work")).FullName,
        StdoutLogFile = Path.Combine(root, "log", name + ".log"),
        StopTimeout = TimeSpan.FromMilliseconds(500),
    };
}
