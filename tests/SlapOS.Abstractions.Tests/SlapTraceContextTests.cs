using System.Diagnostics;

namespace SlapOS.Abstractions.Tests;

public sealed class SlapTraceContextTests
{
    [Fact]
    public void A_recorded_w3c_activity_is_captured_as_its_traceparent()
    {
        using var activity = new Activity("recorded");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        activity.Start();

        var captured = SlapTraceContext.Capture(activity);

        Assert.Equal(activity.Id, captured);
        Assert.True(SlapTraceContext.TryParse(captured, out var context));
        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.True(context.IsRemote);
    }

    [Fact]
    public void An_unsampled_or_hierarchical_activity_or_none_leaves_nothing()
    {
        using var unsampled = new Activity("unsampled");
        unsampled.SetIdFormat(ActivityIdFormat.W3C);
        unsampled.Start();
        using var hierarchical = new Activity("hierarchical");
        hierarchical.SetIdFormat(ActivityIdFormat.Hierarchical);
        hierarchical.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        hierarchical.Start();

        Assert.Null(SlapTraceContext.Capture(unsampled));
        Assert.Null(SlapTraceContext.Capture(hierarchical));
        Assert.Null(SlapTraceContext.Capture(null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a trace")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nX-Injected: 1")]
    public void Hostile_or_missing_trace_context_is_refused_without_throwing(string? traceParent)
    {
        Assert.False(SlapTraceContext.TryParse(traceParent, out _));
    }

    [Fact]
    public void A_valid_traceparent_is_read()
    {
        Assert.True(SlapTraceContext.TryParse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", out var context));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", context.TraceId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, context.TraceFlags);
    }
}
