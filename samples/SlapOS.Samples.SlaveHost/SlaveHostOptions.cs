namespace SlapOS.Samples.SlaveHost;

/// <summary>
/// How the sample node is composed (<c>SlaveHost:*</c>): its partition formatter and its node managers. The defaults
/// need no root: the unprivileged formatter, prerm scripts and the in-process port forwarder; what needs root or
/// nftables is off until switched on (docs/managers.md).
/// </summary>
internal sealed class SlaveHostOptions
{
    public const string SectionName = "SlaveHost";

    /// <summary>The partition formatter: <c>Unprivileged</c> (directories and loopback addresses) or <c>Linux</c> (root: users, addresses on an interface).</summary>
    public SlaveHostFormatter Formatter { get; set; } = SlaveHostFormatter.Unprivileged;

    /// <summary>The node managers, each configured by its own section <c>SlapOS:Slave:Managers:&lt;Name&gt;</c>.</summary>
    public SlaveHostManagers Managers { get; set; } = new();

    /// <summary>The problems with these options and <paramref name="runAsPartitionUser"/>, one line; null when they are valid.</summary>
    public string? Problem(bool runAsPartitionUser, bool privileged)
    {
        var problems = new List<string>();
        var needRoot = new List<string>();
        if (Formatter == SlaveHostFormatter.Linux)
        {
            needRoot.Add("SlaveHost:Formatter=Linux");
        }

        if (Managers.Cgroup)
        {
            needRoot.Add("SlaveHost:Managers:Cgroup");
        }

        if (Managers.Devperm)
        {
            needRoot.Add("SlaveHost:Managers:Devperm");
        }

        if (Managers.PortRedirect == SlaveHostPortRedirect.Nftables)
        {
            needRoot.Add("SlaveHost:Managers:PortRedirect=Nftables");
        }

        if (Managers.Firewall)
        {
            needRoot.Add("SlaveHost:Managers:Firewall");
            if (Formatter != SlaveHostFormatter.Linux || !runAsPartitionUser)
            {
                problems.Add("SlaveHost:Managers:Firewall tells partitions apart by their users: it needs SlaveHost:Formatter=Linux and SlapOS:Slave:RunAsPartitionUser=true");
            }
        }

        if (!privileged && needRoot.Count > 0)
        {
            problems.Add($"{string.Join(", ", needRoot)} need(s) root");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
