using Microsoft.Extensions.Options;
using SlapOS;
using SlapOS.Samples;

// A SlapOS node daemon: formats its partitions, then installs, deploys and reports on intervals,
// waking up early when the master signals a change.
//   dotnet run --project samples/SlapOS.Samples.SlaveHost -- \
//     --SlapOS:Slave:ComputerReference=COMP-1 --SlapOS:Slave:MasterUrl=http://127.0.0.1:8080 \
//     --SlapOS:Slave:InstanceRoot=/srv/slapgrid --SlapOS:Slave:SoftwareRoot=/opt/slapgrid
// SlapOS:Slave:MasterApi=xml joins a real SlapOS master over the legacy XML API.
// Health probes, as a master's: /health/live and /health/ready (the master was reachable at the last run and a run
// reached it within SlapOS:Slave:ReadinessMaximumRunAge) on --urls (default http://127.0.0.1:8089, appsettings.json).
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
        .UseUnprivilegedFormatter()
        .AddJsonLinesAccountingSink(Path.Combine(builder.Configuration["SlapOS:Slave:InstanceRoot"] ?? "/srv/slapgrid", "usage.jsonl"));
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
