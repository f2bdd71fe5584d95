using SlapOS.Tests.Wire;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// The captured XML exchanges (slap-wire/xml, in NNN order) replayed against our master: same status and a
/// body of the same structure, except the deliberate differences listed in <see cref="Deviations"/>.
/// </summary>
public sealed class XmlGoldenTests(SlapproxyLikeMaster master) : IClassFixture<SlapproxyLikeMaster>
{
    /// <summary>Exchanges not replayed, and why.</summary>
    internal static readonly Dictionary<int, string> Excluded = new()
    {
        [2] = "GET / redirects to slapproxy's web panel (/panel/); ours redirects to /portal/ when the portal is mapped, which this master does not (MasterRootTests)",
        [4] = "needs slapproxy's default computer local_computer before any format; ours exist once formatted",
        [20] = "software product list (slapproxy configuration), not in our master",
        [21] = "software product list (slapproxy configuration), not in our master",
        [22] = "software product list (slapproxy configuration), not in our master",
        [84] = "software product list (slapproxy configuration), not in our master",
        [109] = "slapproxy's hard-coded fake apache frontend",
        [178] = "a child of COMP-2/slappart0, formatted and requested through the JSON API: replayed by JsonGoldenTests",
        [179] = "a child of COMP-2/slappart0, formatted and requested through the JSON API: replayed by JsonGoldenTests",
        [201] = "requests onto COMP-2, formatted through the JSON API: replayed by JsonGoldenTests",
    };

    /// <summary>Exchanges whose status or body we deliberately change, and why.</summary>
    internal static readonly Dictionary<int, Deviation> Deviations = new()
    {
        [1] = new(null, "^[0-9a-f]{32}$", [], "run id: random per run (32 hex characters)"),
        [3] = new(200, "^http://127\\.0\\.0\\.1:[0-9]+/hateoas/$", [], "getHateoasUrl answers our HATEOAS URL (slapproxy has no such route: 404), so the slap library finds it"),
        [5] = new(200, "^http://127\\.0\\.0\\.1:[0-9]+/hateoas/$", [], "getHateoasUrl answers our HATEOAS URL (see 003)"),
        [9] = new(404, null, [], "unknown computer: 404 (the client's NotFoundError) instead of slapproxy's 500"),
        [13] = new(400, null, [], "supply state other than available/destroyed: 400 naming the field instead of 500"),
        [30] = new(404, null, [], "unknown partition: 404 instead of slapproxy's 500"),
        [35] = new(null, null, [SlaveTitle], "slave_title is the shared instance's title, as SlapOS's master gives it (slapproxy puts its concatenated reference there)"),
        [69] = new(null, null, [IpList], "ip_list mixing (INDEX 'Bugs to fix'): only the partition's own addresses"),
        [70] = new(null, null, [IpList], "ip_list mixing (INDEX 'Bugs to fix'): only the partition's own addresses"),
        [77] = new(null, null, [SlaveTitle], "slave_title is the shared instance's title (see 035)"),
        [81] = new(null, null, [@"^\$: 'Not implemented\.' expected, got 'error: "], "getComputerPartitionStatus gives the stored report (074's error) instead of 'Not implemented.'"),
        [88] = new(null, null, [IpList], "ip_list mixing (INDEX 'Bugs to fix'): only the partition's own addresses"),
        [96] = new(null, null, [IpList, AccessStatus], "ip_list mixing (INDEX 'Bugs to fix'): only the partition's own addresses; " + AccessStatusReason),
        [97] = new(null, null, [IpList], "ip_list mixing (INDEX 'Bugs to fix'): only the partition's own addresses"),
        [99] = new(null, null, [IpList, AccessStatus], "ip_list mixing (INDEX 'Bugs to fix'): only the partition's own addresses; " + AccessStatusReason),
        [100] = new(null, null, [SlaveTitle, @"_computer_partition_list\[0\]\._parameter_dict\.slave_instance_list: 1 items expected, got 0", @"_computer_partition_list\[1\]\._requested_state: 'stopped' expected, got 'destroyed'"],
            "requesting a root destroyed destroys its whole tree at once (children and the shared instances it requested), where slapproxy waits for destroyedComputerPartition"),
        [102] = new(null, null, [SlaveTitle, @"_computer_partition_list\[0\]\._parameter_dict\.slave_instance_list: 1 items expected, got 0"],
            "the shared instance requested by the destroyed root went with its tree (see 100)"),
        [110] = new(200, null, [], "missing partition_parameter_xml: no parameters instead of slapproxy's 500"),
        [111] = new(200, null, [], "missing filter_xml: no SLA instead of slapproxy's 500"),
        [113] = new(400, null, [], "non-XML partition_parameter_xml: 400 naming the field instead of 500"),
    };

    private const string SlaveTitle = @"slave_instance_list\[\d\]\.slave_title: '[^']*_([^']+)' expected, got '\1'$";
    private const string AccessStatus = @"^\$\._access_status: unexpected$";
    private const string AccessStatusReason = "reports are kept: the instance's last report is its _access_status, in the production master's words (slapproxy ignores reports)";
    private const string IpList = @"^\$\.ip_list: 3 items expected, got [12]$";

    /// <summary>Values that differ from run to run (time, run id, references built differently).</summary>
    private static readonly HashSet<string> NotDeterministic = new(StringComparer.Ordinal)
    {
        "timestamp",
        "_instance_guid", // slapproxy: <computer>-<partition>; ours: the instance reference (followed, see GoldenReplay.Learn)
        "slave_reference", // slapproxy: <requested_by>_<title>; ours: the shared instance's reference (followed too)
    };

    [Fact]
    public async Task Every_captured_xml_exchange_answers_the_same()
    {
        var replay = new GoldenReplay(master, NotDeterministic);
        foreach (var exchange in WireCaptures.All.Where(e => e.File.StartsWith("xml/", StringComparison.Ordinal)).OrderBy(e => e.Seq))
        {
            if (Excluded.ContainsKey(exchange.Seq))
            {
                continue;
            }

            await replay.ReplayAsync(exchange, Deviations.GetValueOrDefault(exchange.Seq));
        }

        Assert.True(replay.Failures.Count == 0, string.Join('\n', replay.Failures));
    }
}
