using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SlapOS.Samples;

/// <summary>
/// OTLP export for the sample hosts, switched on by one option, <c>OpenTelemetry:OtlpEndpoint</c> (environment
/// <c>OpenTelemetry__OtlpEndpoint</c>): traces, metrics and logs of SlapOS (docs/observability.md) to that collector.
/// </summary>
internal static class SampleTelemetry
{
    /// <summary>The configuration key of the collector's URL (OTLP over gRPC, e.g. <c>http://127.0.0.1:4317</c>).</summary>
    public const string OtlpEndpointKey = "OpenTelemetry:OtlpEndpoint";

    /// <summary>SlapOS's sources, plus incoming HTTP (the parent of a master request) and outgoing HTTP (node → master).</summary>
    private static readonly string[] Sources = ["SlapOS.Master", "SlapOS.Slave", "SlapOS.Providers", "Microsoft.AspNetCore", "System.Net.Http"];

    private static readonly string[] Meters = ["SlapOS.Master", "SlapOS.Slave", "SlapOS.Providers", "SlapOS.Accounting", "Microsoft.AspNetCore.Hosting", "System.Net.Http"];

    /// <summary>
    /// Exports to the collector named by <see cref="OtlpEndpointKey"/> when it is set; does nothing otherwise. A value that
    /// is not an http(s) URL fails at start-up with a clear message.
    /// </summary>
    /// <returns>Whether export is on.</returns>
    public static bool AddSlapOSOtlpExport(this IHostApplicationBuilder builder, string serviceName)
    {
        var endpoint = builder.Configuration[OtlpEndpointKey];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return false;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var collector) || collector.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{OtlpEndpointKey} '{endpoint}' is not an http(s) URL of an OTLP collector (e.g. http://127.0.0.1:4317)");
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(Sources).AddOtlpExporter(o => o.Endpoint = collector))
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddOtlpExporter(o => o.Endpoint = collector))
            .WithLogging(logging => logging.AddOtlpExporter(o => o.Endpoint = collector));
        return true;
    }
}
