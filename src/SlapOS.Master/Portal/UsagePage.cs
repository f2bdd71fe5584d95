using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>Usage per instance tree and per computer over the last days (<c>?days=1..90</c>, default 7).</summary>
internal static class UsagePage
{
    public static async Task RenderAsync(HttpContext context)
    {
        var days = int.TryParse(context.Request.Query["days"], NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? Math.Clamp(d, 1, 90) : 7;
        var period = UsagePeriod.Last(days, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        var usage = await PortalEndpoints.Queries(context).GetUsageAsync(context.GetSlapIdentity(), null, period.Start, period.End, period.Buckets, context.RequestAborted);
        var body = new HtmlBuilder();
        body.Add($"""
            <form method="get" action="{PortalEndpoints.Root}/usage" class="row">
            <div class="field"><label for="days">Period (days)</label>
            <select id="days" name="days">{Option(1, days)}{Option(7, days)}{Option(30, days)}{Option(90, days)}</select></div>
            <button type="submit">Show</button></form>
            <p class="hint">CPU seconds, memory and disk reported by the nodes, per {(period.Hourly ? "hour (UTC)" : "UTC day")}, from {PortalFormat.Time(usage.Start)} to {PortalFormat.Time(usage.End)}.</p>
            <section aria-labelledby="by-tree"><h2 id="by-tree">Per instance tree</h2>
            {UsageChart.RenderAll(usage.Buckets, usage.ByTree, "by instance tree", "usage-trees", !period.Hourly)}</section>
            <section aria-labelledby="by-computer"><h2 id="by-computer">Per computer</h2>
            {UsageChart.RenderAll(usage.Buckets, usage.ByComputer, "by computer", "usage-computers", !period.Hourly)}</section>
            """);
        await PortalLayout.WriteAsync(context, "Usage", body.ToMarkup());
    }

    private static Markup Option(int value, int selected) =>
        new HtmlBuilder().Add($"<option value=\"{value}\"{new Markup(value == selected ? " selected" : string.Empty)}>{value}</option>").ToMarkup();
}
