using SlapOS.Tests.Wire;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// The captured JSON exchanges (slap-wire/json) replayed against a fresh master of their own. The JSON
/// scenario builds on the XML one (local_computer, cross-API children), so the whole captured sequence is
/// replayed in NNN order; every exchange is checked, the XML ones against <see cref="XmlGoldenTests.Deviations"/>.
/// </summary>
public sealed class JsonGoldenTests(SlapproxyLikeMaster master) : IClassFixture<SlapproxyLikeMaster>
{
    /// <summary>JSON exchanges whose status or body we deliberately change, and why.</summary>
    internal static readonly Dictionary<int, Deviation> Deviations = new()
    {
        [129] = new(null, null, [], "(none: releases compared in any order)"),
        [130] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [131] = new(null, null, [ReportTitle], ReportTitleWhy),
        [132] = new(null, null, [ReportTitle], ReportTitleWhy),
        [133] = new(null, null, [ReportTitle], ReportTitleWhy),
        [135] = new(null, null, [ReportTitle], ReportTitleWhy),
        [141] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [144] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [145] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [147] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [149] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [151] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [154] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [155] = new(null, null, [@"^\$\.result_list: 7 items expected, got 6$"], "INDEX 'Bugs to fix': slapproxy still lists a destroyed shared instance"),
        [160] = new(null, null, [ReportTitle], ReportTitleWhy),
        [161] = new(null, null, [ReportTitle], ReportTitleWhy),
        [162] = new(null, null, [ReportTitle], ReportTitleWhy),
        [164] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [167] = new(null, null, [@"^\$\.access_status_message: """" expected, got ""promise failed""$"], "reports are stored: the error reported in 162 is shown"),
        [168] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [184] = new(409, NotRequestedDestroyed, [], NodeWordWhy),
        [185] = new(null, null, [@"^\$\.state: ""destroyed"" expected, got ""started""$"], NodeWordWhy + " (so 184 marked no child)"),
        [186] = new(409, NotRequestedDestroyed, [], NodeWordWhy),
        [187] = new(409, NotRequestedDestroyed, [], NodeWordWhy),
        [188] = new(409, NotRequestedDestroyed, [], NodeWordWhy),
        [191] = new(null, null, [@"^\$\.result_list: 0 items expected, got 2$"], NodeWordWhy + " (json-root2 and its child stay allocated)"),
        [166] = new(200, "\"title\":\"json-root2\"", [], "our instance references do not change on rename: the old reference still names the renamed instance"),
        [172] = new(null, null, [ReportTitle], "usage is recorded: the answer says how many records"),
        [173] = new(null, null, [ReportTitle], "computer bang is handled: every instance on it is banged"),
        [174] = new(null, null, [@"^\$\.text: ", @"^\$\.last_contact: unexpected$"], "the computer status is known: its last contact"),
        [176] = new(null, null, [@"^\$\.result_list\[\d\]\.title: unexpected$"], "computers listed with their title too"),
        [178] = new(null, null, [IpList, OtherFreePartition], "ip_list mixing (INDEX 'Bugs to fix'); which free partition of the computer is taken is not specified"),
        [179] = new(null, null, [IpList], "ip_list mixing (INDEX 'Bugs to fix')"),
        [180] = new(null, null, [ErrorTitle], ErrorTitleWhy + " (ours explains which policy eliminated which computers)"),
        [190] = new(null, null, [ErrorTitle], ErrorTitleWhy),
        [201] = new(null, null, [IpList, OtherFreePartition], "ip_list mixing (INDEX 'Bugs to fix'); which free partition of the computer is taken is not specified"),
    };

    /// <summary>Renamed instances: slapproxy's guid embeds the title, so later exchanges use a new name for an instance we already follow.</summary>
    private static readonly Dictionary<int, (string Captured, string AlreadyFollowed)[]> Aliases = new()
    {
        [165] = [("json-root2______0", "json-root______0")],
        [178] = [("xml-child-no-sla___json-root2___0", "local_computer-slappart0")],
    };

    /// <summary>Differences deliberate on every JSON exchange.</summary>
    private static readonly string[] Everywhere =
    [
        @"\.sla_parameters\.[^:]+: unexpected$", // the SLA is stored and shown (slapproxy always echoes {})
        @"^\$\.ip_list: [3-9] items expected, got [12]$", // ip_list mixing (INDEX 'Bugs to fix'): only the partition's own addresses
    ];

    private const string NodeWordWhy = "a partition is freed only once its instance is requested destroyed (409 Conflict otherwise); slapproxy frees it on the node's word alone";
    private const string NotRequestedDestroyed = @"^\{""status"":409,""type"":""Conflict"",""title"":""instance [^""]+ is started, not requested destroyed: its partition cannot be freed""";
    private const string ErrorTitle = @"^\$\.title: ";
    private const string ErrorTitleWhy = "same status and type; our error titles are worded by us (they name what is missing or refused)";
    private const string ReportTitle = @"^\$\.title: ""(Ignored|Destroyed)"" expected";
    private const string ReportTitleWhy = "reports are stored, so the answer does not say 'Ignored'";
    private const string IpList = @"ip_list: \d items expected, got [12]$";
    private const string OtherFreePartition = @"^\$\.slap_computer_partition_id: 'slappart\d' expected, got 'slappart\d'$";

    /// <summary>Keys we add to SlapOS's documents (more information, same shape for SlapOS clients).</summary>
    private static readonly HashSet<string> Additions = new(StringComparer.Ordinal)
    {
        "timestamp", // the exact instance timestamp next to processing_timestamp (whole seconds), so nodes never miss a change
        "reported_state", // reports are stored and visible
        "access_status_message", // the last error report
        "error", // software installations: the last error report
        "processing_timestamp", // instance lists: as in the instance document
        "kind", // errors: the precise SlapErrorKind, since SlapOS answers most failures with a 403
    };

    private static readonly HashSet<string> NotDeterministic = new(StringComparer.Ordinal)
    {
        "timestamp",
        "processing_timestamp",
        "_instance_guid",
        "slave_reference",
        "instance_guid", // slapproxy: <title>___<requester>___<0|1>; ours: the instance reference (followed, see GoldenReplay.LearnJson)
        "hateoas_url", // built from the Host header
    };

    [Fact]
    public async Task Every_captured_json_exchange_answers_the_same()
    {
        var replay = new GoldenReplay(master, NotDeterministic, Additions);
        foreach (var exchange in WireCaptures.All.Where(e => !e.File.StartsWith("hateoas/", StringComparison.Ordinal)).OrderBy(e => e.Seq))
        {
            var xml = exchange.File.StartsWith("xml/", StringComparison.Ordinal);
            if (xml && exchange.Seq is not (178 or 179 or 201) && XmlGoldenTests.Excluded.ContainsKey(exchange.Seq))
            {
                continue;
            }

            var deviation = Deviations.GetValueOrDefault(exchange.Seq) ?? (xml ? XmlGoldenTests.Deviations.GetValueOrDefault(exchange.Seq) : null);
            if (!xml)
            {
                deviation = deviation is null ? new Deviation(null, null, Everywhere, "") : deviation with { IgnoredPaths = [.. deviation.IgnoredPaths, .. Everywhere] };
            }

            await replay.ReplayAsync(exchange, deviation);
            foreach (var (captured, followed) in Aliases.GetValueOrDefault(exchange.Seq) ?? [])
            {
                replay.Alias(captured, followed);
            }
        }

        Assert.True(replay.Failures.Count == 0, string.Join('\n', replay.Failures));
    }
}
