namespace SlapOS.Cli.SystemdService;

/// <summary>
/// The systemd units of a SlapOS master and of a SlapOS node, hardened as far as each can be (docs/operations.md).
/// The master runs as an unprivileged user in a read-only system; the node must be root (it creates partition users,
/// addresses, tap interfaces and cgroups, and runs each partition's processes as its user), so it keeps the
/// privileges that needs and loses the rest.
/// </summary>
internal static class ServiceUnits
{
    /// <summary>The master's unit: <paramref name="executable"/> with <c>--contentRoot</c> the configuration directory.</summary>
    public static SystemdUnit Master(string executable, string configurationDirectory, string user, string? environmentFile, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var unit = Opening("SlapOS master (SlapOS for .NET)", "network-online.target postgresql.service")
            .Set("ExecStart", SystemdUnit.Argument(executable) + " --contentRoot " + SystemdUnit.Argument(configurationDirectory))
            .Set("User", user)
            .Set("Group", user)
            .Comment("The store (SQLite), the CA's key material and the binary cache live here, owned by the user.")
            .Set("StateDirectory", "slapos-master")
            .Set("StateDirectoryMode", "0750")
            .Set("WorkingDirectory", "/var/lib/slapos-master")
            .Set("Restart", "on-failure")
            .Set("RestartSec", "5s")
            .Set("TimeoutStopSec", "30s")
            .Set("UMask", "0027")
            .Set("LimitNOFILE", "65536");
        AddEnvironment(unit, environmentFile, environment);
        unit
            .Comment("Hardening: an unprivileged user in a read-only system; only 443-style ports need a capability.")
            .Set("CapabilityBoundingSet", "CAP_NET_BIND_SERVICE")
            .Set("AmbientCapabilities", "CAP_NET_BIND_SERVICE")
            .Set("ProtectSystem", "strict")
            .Set("ProtectHome", "yes")
            .Set("PrivateDevices", "yes")
            .Set("ProtectKernelTunables", "yes")
            .Set("ProtectControlGroups", "yes")
            .Set("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6")
            .Set("RestrictNamespaces", "yes")
            .Comment("No MemoryDenyWriteExecute: the .NET JIT writes code at run time.");
        return Closing(unit);
    }

    /// <summary>The node's unit: <paramref name="executable"/> (the node daemon) as root, configured by <paramref name="environment"/>.</summary>
    public static SystemdUnit Node(string executable, string? environmentFile, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var unit = Opening("SlapOS node (SlapOS for .NET slapgrid daemon)", "network-online.target")
            .Set("ExecStart", SystemdUnit.Argument(executable))
            .Comment("Root: the node creates partition users, addresses, tap interfaces and cgroups, and runs each partition as its user.")
            .Set("User", "root")
            .Set("Restart", "on-failure")
            .Set("RestartSec", "10s")
            .Comment("The node stops the partitions' processes on the way out; systemd finishes any left after the timeout.")
            .Set("KillMode", "mixed")
            .Set("TimeoutStopSec", "90s")
            .Comment("The partitions' processes live in this unit's cgroup: the node manages its subtree (cgroup managers).")
            .Set("Delegate", "yes")
            .Set("TasksMax", "infinity")
            .Set("LimitNOFILE", "1048576");
        AddEnvironment(unit, environmentFile, environment);
        unit
            .Comment("Hardening a root daemon: no privilege gained by exec (dropping to a partition user stays allowed),")
            .Comment("/usr and /boot read-only (/etc stays writable for useradd), no kernel modules, logs or clock.")
            .Set("ProtectSystem", "yes")
            .Set("ProtectHome", "read-only")
            .Set("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6 AF_NETLINK")
            .Comment("Left open on purpose: /dev/net/tun (taps), /proc/sys (addresses), /sys/fs/cgroup (cgroups), namespaces.");
        return Closing(unit);
    }

    /// <summary>What both units start with: the [Unit] section and the start of [Service].</summary>
    private static SystemdUnit Opening(string description, string after) => new SystemdUnit()
        .Section("Unit")
        .Set("Description", description)
        .Comment("Written by the slapos tool ('service install'); see docs/operations.md of SlapOS for .NET.")
        .Set("After", after)
        .Set("Wants", "network-online.target")
        .Set("StartLimitIntervalSec", "300")
        .Set("StartLimitBurst", "5")
        .Section("Service")
        .Set("Type", "exec");

    /// <summary>The hardening both units share, then the [Install] section.</summary>
    private static SystemdUnit Closing(SystemdUnit unit) => unit
        .Set("NoNewPrivileges", "yes")
        .Set("PrivateTmp", "yes")
        .Set("ProtectKernelModules", "yes")
        .Set("ProtectKernelLogs", "yes")
        .Set("ProtectClock", "yes")
        .Set("ProtectHostname", "yes")
        .Set("RestrictRealtime", "yes")
        .Set("RestrictSUIDSGID", "yes")
        .Set("LockPersonality", "yes")
        .Set("SystemCallArchitectures", "native")
        .Section("Install")
        .Set("WantedBy", "multi-user.target");

    private static void AddEnvironment(SystemdUnit unit, string? environmentFile, IEnumerable<KeyValuePair<string, string>> environment)
    {
        foreach (var (name, value) in environment)
        {
            unit.Environment(name, value);
        }

        if (environmentFile is not null)
        {
            // "-": a missing file is not an error; what it sets wins over the lines above (OTLP endpoint, secrets).
            unit.Set("EnvironmentFile", "-" + environmentFile);
        }
    }
}
