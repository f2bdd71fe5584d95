using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>Recent requests and reports the caller may see, newest first (see <see cref="PortalQueries.ListActivityAsync"/>).</summary>
internal static class ActivityPage
{
    public static async Task RenderAsync(HttpContext context)
    {
        var lines = await PortalEndpoints.Queries(context).ListActivityAsync(context.GetSlapIdentity(), context.RequestAborted);
        var body = new HtmlBuilder();
        body.Add($"<p class=\"hint\">Derived from what the master keeps: each instance's last request (its timestamp) and last report, each release's last report, each computer's last contact. Earlier events are not kept.</p>");
        if (lines.Count == 0)
        {
            body.Add($"<p>Nothing happened yet.</p>");
            await PortalLayout.WriteAsync(context, "Activity", body.ToMarkup());
            return;
        }

        body.Add($"""
            <div class="table-wrap"><table class="stack">
            <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">About</th><th scope="col">Detail</th></tr></thead><tbody>
            """);
        foreach (var line in lines)
        {
            var about = line.Link is { } link ? new HtmlBuilder().Add($"<a href=\"{link}\">{line.Subject}</a>").ToMarkup() : new HtmlBuilder().Add($"{line.Subject}").ToMarkup();
            body.Add($"<tr><td data-label=\"When\">{PortalFormat.Time(line.At)}</td><td data-label=\"What\">{line.Kind}</td><td data-label=\"About\" class=\"url\">{about}</td><td data-label=\"Detail\">{line.Detail}</td></tr>");
        }

        body.Add($"</tbody></table></div>");
        await PortalLayout.WriteAsync(context, "Activity", body.ToMarkup());
    }
}
