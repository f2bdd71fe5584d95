using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Managers;

namespace SlapOS;

/// <summary>Registers the kernel-backed node managers (cgroups and exclusive cores, device permissions, port redirection, firewall).</summary>
public static class NodeManagerProvidersSlaveBuilderExtensions
{
    /// <summary>
    /// Adds the cgroup manager (needs root): per-partition memory, pids and CPU weight limits, exclusive cores, exact
    /// usage. Options are bound from <c>SlapOS:Slave:Managers:Cgroup</c>, then <paramref name="configure"/> applies,
    /// and they are validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UseCgroupManager(this ISlapOSSlaveBuilder builder, Action<CgroupManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<CgroupManagerOptions>().BindConfiguration(CgroupManagerOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CgroupManagerOptions>, CgroupManagerOptionsValidator>());
        return builder.AddNodeManager<CgroupManager>();
    }

    /// <summary>
    /// Adds the device permission manager (needs root): partitions get the allowed devices they list in
    /// <c>.slapos-disk-permission</c>, taken back at destruction. Options are bound from
    /// <c>SlapOS:Slave:Managers:Devperm</c>, then <paramref name="configure"/> applies, and they are validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UseDevpermManager(this ISlapOSSlaveBuilder builder, Action<DevpermManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<DevpermManagerOptions>().BindConfiguration(DevpermManagerOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DevpermManagerOptions>, DevpermManagerOptionsValidator>());
        return builder.AddNodeManager<DevpermManager>();
    }

    /// <summary>
    /// Adds the port redirection manager (needs root and nftables): host ports a partition lists in
    /// <c>.slapos-port-redirect</c> are forwarded to its addresses by destination NAT in the node's own table. Options
    /// are bound from <c>SlapOS:Slave:Managers:PortRedirect</c>, then <paramref name="configure"/> applies, and they are
    /// validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UsePortRedirectManager(this ISlapOSSlaveBuilder builder, Action<PortRedirectManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PortRedirectManagerOptions>().BindConfiguration(PortRedirectManagerOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PortRedirectManagerOptions>, PortRedirectManagerOptionsValidator>());
        return builder.AddNodeManager<PortRedirectManager>();
    }

    /// <summary>
    /// Adds the partition firewall manager (needs root, nftables and partitions running as their own users): a partition
    /// that lists addresses in <c>.slapos-whitelist-firewall</c> may connect to those only. Options are bound from
    /// <c>SlapOS:Slave:Managers:Firewall</c>, then <paramref name="configure"/> applies, and they are validated at start-up.
    /// </summary>
    public static ISlapOSSlaveBuilder UseFirewallManager(this ISlapOSSlaveBuilder builder, Action<FirewallManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<FirewallManagerOptions>().BindConfiguration(FirewallManagerOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FirewallManagerOptions>, FirewallManagerOptionsValidator>());
        return builder.AddNodeManager<FirewallManager>();
    }

    /// <summary>
    /// Adds the in-process port redirection manager (no root, no nftables; TCP only; the forwarders live in the node
    /// daemon): the same <c>.slapos-port-redirect</c> file and options as <see cref="UsePortRedirectManager"/> (but
    /// <c>TableName</c>), for unprivileged nodes. Register one of the two.
    /// </summary>
    public static ISlapOSSlaveBuilder UseInProcessPortRedirectManager(this ISlapOSSlaveBuilder builder, Action<PortRedirectManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PortRedirectManagerOptions>().BindConfiguration(PortRedirectManagerOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PortRedirectManagerOptions>, PortRedirectManagerOptionsValidator>());
        return builder.AddNodeManager<InProcessPortRedirectManager>();
    }
}
