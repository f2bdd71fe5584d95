using System.ComponentModel.DataAnnotations;

namespace SlapOS.Slave;

/// <summary>Options of a node, bound from <c>SlapOS:Slave</c> and validated at start-up.</summary>
public sealed class SlapOSSlaveOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "SlapOS:Slave";

    /// <summary>This computer's reference on the master.</summary>
    [Required]
    public string ComputerReference { get; set; } = string.Empty;

    /// <summary>The master's URL.</summary>
    [Required]
    [Url]
    public string MasterUrl { get; set; } = string.Empty;

    /// <summary>Where partitions live.</summary>
    [Required]
    public string InstanceRoot { get; set; } = "/srv/slapgrid";

    /// <summary>Where releases are installed.</summary>
    [Required]
    public string SoftwareRoot { get; set; } = "/opt/slapgrid";

    /// <summary>
    /// Directories a local software release (<c>file://</c> URL or absolute path) may come from. Empty (the
    /// default): any local release must at least be a buildout profile (a <c>.cfg</c> file), so a master
    /// cannot make the node read <c>/etc/shadow</c> as a profile; set it in production to close the rest.
    /// </summary>
    public IList<string> LocalSoftwareDirectories { get; } = [];

    /// <summary>How many partitions <c>format</c> ensures.</summary>
    [Range(1, 10_000)]
    public int PartitionAmount { get; set; } = 10;

    /// <summary>Prefix of partition references (<c>slappart</c>).</summary>
    [Required]
    public string PartitionPrefix { get; set; } = "slappart";

    /// <summary>Prefix of partition users (<c>slapuser</c>): partition <c>slappartN</c> runs as <c>slapuserN</c>.</summary>
    [Required]
    public string PartitionUserPrefix { get; set; } = "slapuser";

    /// <summary>Whether programs, promises and deployments run as the partition user (the node runs as root).</summary>
    public bool RunAsPartitionUser { get; set; }

    /// <summary>The computer's main address, uploaded by <c>format</c>.</summary>
    public string? ComputerAddress { get; set; }

    /// <summary>The computer's netmask, uploaded by <c>format</c>.</summary>
    public string? ComputerNetmask { get; set; }

    /// <summary>An unchanged partition is still reprocessed when its last successful run is older than this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan MaximumPeriodicity { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long one promise (<c>etc/promise/*</c>) may run before it is killed and counted as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PromiseTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long one report script (<c>etc/report/*</c>) may run before it is killed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReportScriptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many partitions an instance run processes at once (1, the default, is slapgrid's one at a time).</summary>
    [Range(1, 256)]
    public int InstanceParallelism { get; set; } = 1;

    /// <summary>Whether the host runs the node daemon (software, instance and report runs on intervals).</summary>
    public bool RunDaemon { get; set; } = true;

    /// <summary>Interval between two software runs of the daemon.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SoftwareInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Interval between two instance runs of the daemon (it wakes up earlier when the master signals a change).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan InstanceInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Interval between two report runs of the daemon.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Longest wait of the daemon between two attempts while the master is unreachable (the wait doubles from 5 s up to this).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaximumOfflineBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The node host's readiness (<c>/health/ready</c>) turns unhealthy when no run has reached the master for this long
    /// (a run in progress, such as a long software build, counts only once it finishes: keep this above the longest build).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ReadinessMaximumRunAge { get; set; } = TimeSpan.FromHours(1);
}
