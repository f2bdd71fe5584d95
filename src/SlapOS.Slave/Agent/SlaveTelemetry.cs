using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SlapOS.Slave.Agent;

/// <summary>The node's traces and metrics, named <c>SlapOS.Slave</c>.</summary>
internal static class SlaveTelemetry
{
    public const string Name = "SlapOS.Slave";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Node runs, tagged by command and exit code.</summary>
    public static readonly Counter<long> Runs = Meter.CreateCounter<long>("slapos.slave.runs", description: "Node runs by command and exit code.");

    /// <summary>Partitions and releases processed, tagged by command and status.</summary>
    public static readonly Counter<long> Items = Meter.CreateCounter<long>("slapos.slave.items", description: "Partitions and releases processed by command and status.");

    /// <summary>Bangs sent after a watched service crashed.</summary>
    public static readonly Counter<long> CrashBangs = Meter.CreateCounter<long>("slapos.slave.crash_bangs", description: "Bangs sent after a watched service crashed.");

    /// <summary>
    /// Starts a span for one item of a run (<paramref name="name"/>) in the trace of the request that caused it: the
    /// stored <paramref name="traceParent"/> is its parent and the run's own span a link, so one trace goes from the
    /// request to the process. Without a valid trace context the span is a child of the run, as usual.
    /// </summary>
    public static Activity? StartInRequestTrace(string name, string? traceParent)
    {
        if (!SlapTraceContext.TryParse(traceParent, out var parent))
        {
            return Source.StartActivity(name);
        }

        ActivityLink[] links = Activity.Current is { } run ? [new ActivityLink(run.Context)] : [];
        return Source.StartActivity(name, ActivityKind.Internal, parent, links: links);
    }

    /// <summary>
    /// Starts a span for work shared by several requests (a release installed for every instance that uses it): a child
    /// of the run, linked to each request's trace.
    /// </summary>
    public static Activity? StartLinkedToRequests(string name, IEnumerable<string?> traceParents)
    {
        var links = new List<ActivityLink>();
        foreach (var traceParent in traceParents.Distinct(StringComparer.Ordinal))
        {
            if (SlapTraceContext.TryParse(traceParent, out var context))
            {
                links.Add(new ActivityLink(context));
            }
        }

        return Source.StartActivity(name, ActivityKind.Internal, parentContext: default, links: links);
    }

    /// <summary>Marks <paramref name="activity"/> with an item's outcome (failures as errors).</summary>
    public static void Record(Activity? activity, NodeItemOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("slapos.status", outcome.Status.ToString());
        if (outcome.Status is NodeItemStatus.Failed or NodeItemStatus.PromiseFailed)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome.Message);
        }
    }
}
