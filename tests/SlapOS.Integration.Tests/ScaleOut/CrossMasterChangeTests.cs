using System.Diagnostics;
using Xunit.Abstractions;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>
/// Two masters on one store: a node long-polling master A learns of a change made through master B from the
/// stored change stamp, woken by the store's feed (NOTIFY or polling), and is told the truth even when nothing woke it.
/// </summary>
public abstract class CrossMasterChangeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Release = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";
    private readonly string _computer = "COMP-X" + Guid.NewGuid().ToString("N")[..8];
    private SharedStoreMaster _a = null!;
    private SharedStoreMaster _b = null!;

    /// <summary>Chooses the shared store for every master of the test.</summary>
    protected abstract void UseStore(ISlapOSMasterBuilder master);

    /// <summary>Moves the computer's stamp behind every master's back (raw SQL, no signal).</summary>
    protected abstract Task BumpStampSilentlyAsync(string computer);

    protected virtual Task CreateStoreAsync() => Task.CompletedTask;

    protected virtual Task DropStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await CreateStoreAsync();
        _a = await SharedStoreMaster.StartAsync(UseStore);
        _b = await SharedStoreMaster.StartAsync(UseStore);
        await _b.FormatAsync(_computer, 2);
        await _b.Slap.SupplyAsync(_computer, Release, SupplyState.Available, default);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await DropStoreAsync();
    }

    private InstanceRequest Request(string value) => new()
    {
        Title = "wake-" + _computer,
        SoftwareReleaseUrl = Release,
        Parameters = new Dictionary<string, string> { ["value"] = value },
        Sla = new Dictionary<string, string> { ["computer_guid"] = _computer },
    };

    /// <summary>
    /// The long-poll waits its longest (60 s); being answered in well under half of it can only be the change's
    /// doing (the feed: NOTIFY, or SQLite's 250 ms poll), never the timeout's. The bound is generous on purpose:
    /// how fast the wake-up is, is measured in docs/benchmarks.md, not asserted here.
    /// </summary>
    [Fact]
    public async Task A_node_waiting_on_A_is_woken_by_the_change_not_by_its_timeout_when_its_instance_changes_through_B()
    {
        var longest = TimeSpan.FromSeconds(60);
        await _b.Slap.RequestAsync(Request("1"), default);
        var (_, seen) = await _a.WaitForChangeAsync(_computer, 0, null);

        var waiting = _a.WaitForChangeAsync(_computer, longest.TotalSeconds, seen);
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted, "nothing changed yet: the long-poll must still be waiting");
        var clock = Stopwatch.StartNew();
        await _b.Slap.RequestAsync(Request("2"), default);
        var (changed, stamp) = await waiting;
        clock.Stop();
        output.WriteLine($"woken {clock.Elapsed.TotalMilliseconds:F0} ms after the change through B committed");

        Assert.True(changed);
        Assert.NotEqual(seen, stamp);
        Assert.True(clock.Elapsed < longest / 2, $"answered after {clock.Elapsed}: that is the {longest} timeout, not a wake-up by the change");
    }

    [Fact]
    public async Task At_timeout_the_answer_is_the_stored_truth_even_when_no_signal_came()
    {
        await _b.Slap.RequestAsync(Request("1"), default);
        var (_, seen) = await _a.WaitForChangeAsync(_computer, 0, null);

        // Nothing changed: told so at the timeout.
        var quiet = await _a.WaitForChangeAsync(_computer, 1, seen);
        Assert.False(quiet.Changed);
        Assert.Equal(seen, quiet.Stamp);

        // A change no master signalled (a silent stamp move): the answer at timeout still says it.
        var waiting = _a.WaitForChangeAsync(_computer, 2, seen);
        await Task.Delay(300);
        await BumpStampSilentlyAsync(_computer);
        var (changed, stamp) = await waiting;
        Assert.True(changed);
        Assert.NotEqual(seen, stamp);
    }

    [Fact]
    public async Task A_node_own_state_report_does_not_wake_it_but_a_supply_does()
    {
        var instance = await _b.Slap.RequestAsync(Request("1"), default);
        var (_, seen) = await _a.WaitForChangeAsync(_computer, 0, null);

        await _b.Slap.ReportInstanceStateAsync(_computer, instance.PartitionReference!, ReportedState.Started, null, default);
        var afterReport = await _a.WaitForChangeAsync(_computer, 0.5, seen);
        Assert.False(afterReport.Changed);

        await _b.Slap.SupplyAsync(_computer, Release + "?v=2", SupplyState.Available, default);
        var afterSupply = await _a.WaitForChangeAsync(_computer, 0, seen);
        Assert.True(afterSupply.Changed);
    }

    [Fact]
    public async Task A_pending_wake_up_survives_a_restart_of_the_master_the_node_waits_on()
    {
        await _b.Slap.RequestAsync(Request("1"), default);
        var (_, seen) = await _a.WaitForChangeAsync(_computer, 0, null);

        // A goes away; the change is made through B meanwhile; a new A comes back on the same store.
        await _a.DisposeAsync();
        await _b.Slap.RequestAsync(Request("2"), default);
        _a = await SharedStoreMaster.StartAsync(UseStore);

        var clock = Stopwatch.StartNew();
        var (changed, _) = await _a.WaitForChangeAsync(_computer, 60, seen);
        Assert.True(changed);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"answered after {clock.Elapsed}: the stamp, not the 60 s timeout, must answer");
    }
}
