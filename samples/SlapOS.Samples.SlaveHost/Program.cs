using Microsoft.Extensions.Options;
using SlapOS;
using SlapOS.Samples;
using SlapOS.Samples.SlaveHost;

// A SlapOS node daemon: formats its partitions, then installs, deploys and reports on intervals,
// waking up early when the master signals a change.
//   dotnet run --project samples/SlapOS.Samples.SlaveHost -- \
//     --SlapOS:Slave:ComputerReference=COMP-1 --SlapOS:Slave:MasterUrl=http://127.0.0.1:8080 \
//     --SlapOS:Slave:InstanceRoot=/srv/slapgrid --SlapOS:Slave:SoftwareRoot=/opt/slapgrid
// SlapOS:Slave:MasterApi=xml joins a real SlapOS master over the legacy XML API.
// Health probes, as a master's: /health/live and /health/ready (the master was reachable at the last run and a run
// reached it within SlapOS:Slave:ReadinessMaximumRunAge) on --urls (default http://127.0.0.1:8089, appsettings.json).
// Formatter and node managers (SlaveHost:*, appsettings.json; docs/managers.md): by default the unprivileged formatter,
// prerm scripts and in-process port forwarding; as root, for example:
//     --SlaveHost:Formatter=Linux --SlapOS:Slave:RunAsPartitionUser=true --SlapOS:Slave:LinuxFormatter:Interface=slapbr0 \
//     --SlaveHost:Managers:PortRedirect=Nftables --SlaveHost:Managers:Firewall=true --SlaveHost:Managers:Cgroup=true
var builder = WebApplication.CreateBuilder(args);
try
{
    // --OpenTelemetry:OtlpEndpoint=http://127.0.0.1:4317 exports traces, metrics and logs (docs/observability.md).
    builder.AddSlapOSOtlpExport("slapos-node");
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync($"slapos node: {e.Message}");
    return 2;
}

var xml = string.Equals(builder.Configuration["SlapOS:Slave:MasterApi"], "xml", StringComparison.OrdinalIgnoreCase);
SlaveHostOptions host;
try
{
    host = builder.Configuration.GetSection(SlaveHostOptions.SectionName).Get<SlaveHostOptions>() ?? new SlaveHostOptions();
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync($"slapos node: {SlaveHostOptions.SectionName}: {e.Message}");
    return 2;
}

if (host.Problem(builder.Configuration.GetValue<bool>("SlapOS:Slave:RunAsPartitionUser"), Environment.IsPrivilegedProcess) is { } problem)
{
    await Console.Error.WriteLineAsync($"slapos node: {problem}");
    return 2;
}

builder.Services.AddSlapOSSlave(node =>
{
    if (xml)
    {
        node.UseXmlMasterClient();
    }
    else
    {
        node.UseJsonMasterClient();
    }

    node.UseNativeBuildout()
        .UseNativeSupervisor()
        .AddJsonLinesAccountingSink(Path.Combine(builder.Configuration["SlapOS:Slave:InstanceRoot"] ?? "/srv/slapgrid", "usage.jsonl"));
    if (host.Formatter == SlaveHostFormatter.Linux)
    {
        node.UseLinuxFormatter();
    }
    else
    {
        node.UseUnprivilegedFormatter();
    }

    // Managers run in the order they are registered (docs/managers.md); each binds SlapOS:Slave:Managers:<Name>.
    var managers = host.Managers;
    if (managers.Cgroup)
    {
        node.UseCgroupManager();
    }

    if (managers.Devperm)
    {
        node.UseDevpermManager();
    }

    if (managers.Prerm)
    {
        node.UsePrermManager();
    }

    if (managers.PortRedirect == SlaveHostPortRedirect.Nftables)
    {
        node.UsePortRedirectManager();
    }
    else if (managers.PortRedirect == SlaveHostPortRedirect.InProcess)
    {
        node.UseInProcessPortRedirectManager();
    }

    if (managers.Firewall)
    {
        node.UseFirewallManager();
    }
});

try
{
    var app = builder.Build();
    app.MapSlapOSHealthChecks();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
{
    // Bad configuration: one clear line, not a stack trace.
    await Console.Error.WriteLineAsync($"slapos node: {e.Message}");
    return 1;
}
