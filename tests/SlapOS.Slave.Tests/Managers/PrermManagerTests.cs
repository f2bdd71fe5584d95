using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using SlapOS.Slave.Agent;
using SlapOS.Slave.Managers;
using SlapOS.Tests;

namespace SlapOS.Slave.Tests.Managers;

/// <summary>
/// The pre-destroy script manager through the node agent's report run, with real processes: every
/// <c>etc/prerm</c> script runs before the partition is wiped, failures and time-outs are reported in the
/// partition's outcome (the destruction goes on), and a script past its timeout is killed with its children.
/// </summary>
public sealed class PrermManagerTests : IDisposable
{
    private readonly List<string> _users = [];
    private NodeFixture? _node;

    public void Dispose()
    {
        _node?.Dispose();
        foreach (var user in _users)
        {
            Run("userdel", user);
        }
    }

    [Fact]
    public async Task Prerm_scripts_run_in_order_before_the_wipe_and_their_outcome_is_reported()
    {
        var node = Node();
        var path = node.AddInstance("slappart3", NodeFixture.Timestamp(1000), RequestedState.Destroyed);
        var journal = Path.Combine(node.Root, "journal");
        node.WriteScript("slappart3", "etc/prerm/10-flush", $"echo flushed >> '{journal}'");
        node.WriteScript("slappart3", "etc/prerm/20-broken", $"echo broken >> '{journal}'; echo cannot reach backup >&2; exit 4");
        node.WriteScript("slappart3", "etc/prerm/30-last", $"test -d '{path}' && echo last >> '{journal}'");
        var wiped = new List<string>();
        node.Formatter.WipeAsync(Arg.Any<PartitionLayout>(), "slappart3", Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                wiped.Add(File.ReadAllText(journal));
                return Task.CompletedTask;
            });

        var result = await node.Agent.ReportAsync();

        Assert.Equal(NodeExitCode.Ok, result.ExitCode);
        Assert.Equal(["flushed\nbroken\nlast\n"], wiped);
        var outcome = Assert.Single(result.Outcomes, o => o.Item == "slappart3");
        Assert.Equal(NodeItemStatus.Done, outcome.Status);
        Assert.Contains("prerm script 20-broken failed (exit code 4): cannot reach backup", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("10-flush", outcome.Message, StringComparison.Ordinal);
        await node.Master.Received(1).ReportInstanceStateAsync(NodeFixture.Computer, "slappart3", ReportedState.Destroyed, null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_prerm_script_past_its_timeout_is_killed_with_its_children_and_reported()
    {
        var node = Node(TimeSpan.FromSeconds(5));
        var path = node.AddInstance("slappart4", NodeFixture.Timestamp(1000), RequestedState.Destroyed);
        var pidFile = Path.Combine(path, "child.pid");
        node.WriteScript("slappart4", "etc/prerm/hangs", $"sleep 300 & echo $! > '{pidFile}'; wait");
        var childAtWipe = new List<bool>();
        node.Formatter.WipeAsync(Arg.Any<PartitionLayout>(), "slappart4", Arg.Any<CancellationToken>())
            .Returns(_ =>
            {
                childAtWipe.Add(IsAlive(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture)));
                return Task.CompletedTask;
            });

        // The node's clock is fake: move it past the timeout until the run, blocked on the hanging script, goes on.
        var run = node.Agent.ReportAsync();
        while (await Task.WhenAny(run, Task.Delay(100)) != run)
        {
            node.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var result = await run;

        Assert.Equal([false], childAtWipe);
        var outcome = Assert.Single(result.Outcomes, o => o.Item == "slappart4");
        Assert.Equal(NodeItemStatus.Done, outcome.Status);
        Assert.Contains("prerm script hangs timed out after", outcome.Message, StringComparison.Ordinal);
        await node.Master.Received(1).ReportInstanceStateAsync(NodeFixture.Computer, "slappart4", ReportedState.Destroyed, null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Prerm_scripts_run_as_the_partition_user()
    {
        var prefix = "sl" + TestRun.UniqueId() + "u";
        var user = prefix + "5";
        Run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
        _users.Add(user);
        var node = Node(settings: new Dictionary<string, string?>
        {
            ["SlapOS:Slave:RunAsPartitionUser"] = "true",
            ["SlapOS:Slave:PartitionUserPrefix"] = prefix,
        });
        var path = node.AddInstance("slappart5", NodeFixture.Timestamp(1000), RequestedState.Destroyed);
        Run("chmod", "755", node.Root, node.InstanceRoot);
        Run("chown", user, path);
        node.WriteScript("slappart5", "etc/prerm/whoami", "id -un > whoami");
        Run("chmod", "755", Path.Combine(path, "etc"), Path.Combine(path, "etc/prerm"), Path.Combine(path, "etc/prerm/whoami"));

        var result = await node.Agent.ReportAsync();

        Assert.Equal("destroyed", Assert.Single(result.Outcomes, o => o.Item == "slappart5").Message);
        Assert.Equal(user, File.ReadAllText(Path.Combine(path, "whoami")).Trim());
        Assert.Equal(user, Run("stat", "-c", "%U", Path.Combine(path, "whoami")));
    }

    [Fact]
    public async Task A_partition_without_prerm_scripts_is_destroyed_quietly()
    {
        var node = Node();
        node.AddInstance("slappart6", NodeFixture.Timestamp(1000), RequestedState.Destroyed);
        node.WriteScript("slappart6", "etc/prerm/.hidden", "exit 1");

        var result = await node.Agent.ReportAsync();

        Assert.Equal("destroyed", Assert.Single(result.Outcomes, o => o.Item == "slappart6").Message);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("2.00:00:00")]
    public void A_timeout_out_of_range_fails_at_start_up(string timeout)
    {
        var node = Node(settings: new Dictionary<string, string?> { [PrermManagerOptions.SectionName + ":Timeout"] = timeout });

        var error = Assert.Throws<OptionsValidationException>(() => node.Services.GetRequiredService<IOptions<PrermManagerOptions>>().Value);

        Assert.Contains("Timeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_the_manager_twice_adds_it_once()
    {
        var node = Node(configure: b => b.UsePrermManager());

        Assert.Single(node.Services.GetServices<INodeManager>(), m => m.Name == "prerm");
    }

    private NodeFixture Node(TimeSpan? timeout = null, Dictionary<string, string?>? settings = null, Action<ISlapOSSlaveBuilder>? configure = null)
    {
        _node = new NodeFixture(settings, b =>
        {
            b.UsePrermManager(timeout is null ? null : o => o.Timeout = timeout.Value);
            configure?.Invoke(b);
        });
        return _node;
    }

    private static string Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        var text = File.ReadAllText(stat);
        return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z') is false;
    }
}
