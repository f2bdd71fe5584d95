using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>The computers list, a computer's page (partitions, releases, usage) and the supply form.</summary>
internal static class ComputerPages
{
    public static async Task ListAsync(HttpContext context)
    {
        var computers = await PortalEndpoints.Queries(context).ListComputersAsync(context.GetSlapIdentity(), context.RequestAborted);
        var body = new HtmlBuilder();
        if (computers.Count == 0)
        {
            body.Add($"<p>No computer is yours to see.</p>");
            await PortalLayout.WriteAsync(context, "Computers", body.ToMarkup());
            return;
        }

        body.Add($"""
            <div class="table-wrap"><table class="stack">
            <caption>{computers.Count} computer(s)</caption>
            <thead><tr><th scope="col">Computer</th><th scope="col">Attributes</th><th scope="col" class="num">Partitions used / free</th><th scope="col">Supplied releases</th><th scope="col">Last contact</th></tr></thead>
            <tbody>
            """);
        foreach (var c in computers)
        {
            body.Add($"""
                <tr><td data-label="Computer"><a href="{PortalFormat.ComputerPath(c.Computer.Reference)}">{c.Computer.Reference}</a>{Title(c.Computer)}</td>
                <td data-label="Attributes">{Attributes(c.Computer)}</td>
                <td data-label="Partitions used / free" class="num">{c.Used} / {c.Free}</td>
                <td data-label="Supplied releases">{ReleaseSummary(c.Installations)}</td>
                <td data-label="Last contact">{PortalFormat.Time(c.Computer.LastContact)}</td></tr>
                """);
        }

        body.Add($"</tbody></table></div>");
        await PortalLayout.WriteAsync(context, "Computers", body.ToMarkup());
    }

    public static async Task DetailAsync(HttpContext context)
    {
        var caller = context.GetSlapIdentity();
        var queries = PortalEndpoints.Queries(context);
        var c = await queries.GetComputerAsync(caller, PortalEndpoints.Route(context, "computer"), context.RequestAborted);
        var body = new HtmlBuilder();
        if (context.Request.Query["supplied"].ToString() is { Length: > 0 } supplied)
        {
            body.Add($"<p class=\"notice\" role=\"status\">{supplied}</p>");
        }

        if (context.Request.Query["revoked"].ToString() is { Length: > 0 } revoked)
        {
            body.Add($"<p class=\"notice\" role=\"status\">{revoked}</p>");
        }

        body.Add($"""
            <section aria-labelledby="about"><h2 id="about">About</h2>
            <dl class="attrs"><dt>Reference</dt><dd>{c.Computer.Reference}</dd>{Title(c.Computer, asTerm: true)}
            <dt>Address</dt><dd>{c.Computer.Address ?? "—"}</dd>
            <dt>Owner</dt><dd>{c.Computer.OwnerReference ?? "—"}</dd>
            <dt>Allocation</dt><dd>{(c.Computer.AllocationOpen ? "open" : "closed")}</dd>
            <dt>Last contact</dt><dd>{PortalFormat.Time(c.Computer.LastContact)}</dd>
            <dt>Attributes</dt><dd>{Attributes(c.Computer)}</dd></dl></section>
            <section aria-labelledby="partitions"><h2 id="partitions">Partitions ({c.Used} used, {c.Free} free)</h2>
            <div class="table-wrap"><table class="stack">
            <thead><tr><th scope="col">Partition</th><th scope="col">State</th><th scope="col">Instance</th><th scope="col">Reported</th><th scope="col">Last report</th><th scope="col">Error</th></tr></thead><tbody>
            """);
        foreach (var partition in c.Partitions)
        {
            c.Instances.TryGetValue(partition.Reference, out var instance);
            body.Add($"<tr><td data-label=\"Partition\">{partition.Reference}</td><td data-label=\"State\">{PortalFormat.State(partition.State.ToString().ToLowerInvariant())}</td>");
            if (instance is null)
            {
                body.Add($"<td data-label=\"Instance\" class=\"muted\">—</td><td></td><td></td><td></td></tr>");
                continue;
            }

            body.Add($"""
                <td data-label="Instance"><a href="{PortalFormat.TreePath(instance.RootReference)}">{instance.Title}</a> <span class="muted">{instance.Reference}</span></td>
                <td data-label="Reported">{PortalFormat.Reported(instance.ReportedState)}</td>
                <td data-label="Last report">{PortalFormat.Time(instance.ReportedAt)}</td>
                <td data-label="Error">{instance.ErrorMessage ?? string.Empty}</td></tr>
                """);
        }

        body.Add($"""
            </tbody></table></div></section>
            <section aria-labelledby="releases"><h2 id="releases">Supplied releases</h2>
            """);
        if (c.Installations.Count == 0)
        {
            body.Add($"<p class=\"muted\">No release supplied.</p>");
        }
        else
        {
            body.Add($"""
                <div class="table-wrap"><table class="stack">
                <thead><tr><th scope="col">Release</th><th scope="col">Asked</th><th scope="col">Reported</th><th scope="col">Last report</th><th scope="col">Action</th></tr></thead><tbody>
                """);
            foreach (var installation in c.Installations)
            {
                body.Add($"""
                    <tr><td data-label="Release" class="url">{installation.SoftwareReleaseUrl}{Error(installation.ErrorMessage)}</td>
                    <td data-label="Asked">{PortalFormat.State(installation.RequestedState.ToWire())}</td>
                    <td data-label="Reported">{PortalFormat.Installation(installation)}</td>
                    <td data-label="Last report">{PortalFormat.Time(installation.ReportedAt)}</td>
                    <td data-label="Action">{SupplyButton(c.Computer.Reference, installation)}</td></tr>
                    """);
            }

            body.Add($"</tbody></table></div>");
        }

        var certificates = await CertificatePages.ComputerSectionAsync(context, c.Computer.Reference);
        body.Add($"""
            <form class="card" method="post" action="{PortalFormat.ComputerPath(c.Computer.Reference)}/supply">
            <h3>Supply a release</h3>
            <div class="row"><div class="field"><label for="supply-url">Software release URL</label>
            <input type="text" id="supply-url" name="url" required inputmode="url" placeholder="https://example.org/software.cfg"></div>
            <input type="hidden" name="state" value="available">
            <button type="submit">Supply</button></div>
            </form></section>
            {certificates}
            <section aria-labelledby="usage"><h2 id="usage">Usage, last 7 days</h2>
            """);
        var period = UsagePeriod.Last(7, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
        var usage = await queries.GetUsageAsync(caller, c.Computer.Reference, period.Start, period.End, period.Buckets, context.RequestAborted);
        body.Add(UsageChart.RenderAll(usage.Buckets, usage.ByTree, "by instance tree on " + c.Computer.Reference, "usage-computer", dayLabels: true));
        body.Add($"</section>");
        await PortalLayout.WriteAsync(context, "Computer " + c.Computer.Reference, body.ToMarkup());
    }

    public static async Task SupplyAsync(HttpContext context)
    {
        var computer = PortalEndpoints.Route(context, "computer");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var url = form["url"].ToString().Trim();
        var state = SlapStates.ParseSupplyState(form["state"].ToString() is { Length: > 0 } s ? s : "available");
        await PortalEndpoints.Queries(context).SupplyAsync(context.GetSlapIdentity(), computer, url, state, context.RequestAborted);
        var message = state == SupplyState.Available ? $"Supplied {url}: the node will install it." : $"Asked the node to remove {url}.";
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = $"{PortalFormat.ComputerPath(computer)}?supplied={Uri.EscapeDataString(message)}#releases";
    }

    private static Markup Title(Computer computer, bool asTerm = false)
    {
        if (string.IsNullOrEmpty(computer.Title))
        {
            return Markup.Empty;
        }

        return asTerm
            ? new HtmlBuilder().Add($"<dt>Title</dt><dd>{computer.Title}</dd>").ToMarkup()
            : new HtmlBuilder().Add($"<br><span class=\"muted\">{computer.Title}</span>").ToMarkup();
    }

    private static Markup Attributes(Computer computer)
    {
        if (computer.Attributes.Count == 0)
        {
            return new Markup("<span class=\"muted\">none</span>");
        }

        var html = new HtmlBuilder().Add($"<dl class=\"attrs\">");
        foreach (var (key, value) in computer.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            html.Add($"<dt>{key}</dt><dd>{value}</dd>");
        }

        return html.Add($"</dl>").ToMarkup();
    }

    private static Markup ReleaseSummary(IReadOnlyList<SoftwareInstallation> installations)
    {
        if (installations.Count == 0)
        {
            return new Markup("<span class=\"muted\">none</span>");
        }

        var html = new HtmlBuilder().Add($"<ul class=\"plain\">");
        foreach (var installation in installations)
        {
            html.Add($"<li><span class=\"url\">{installation.SoftwareReleaseUrl}</span> {PortalFormat.Installation(installation)}{(installation.RequestedState == SupplyState.Destroyed ? " (removal asked)" : string.Empty)}</li>");
        }

        return html.Add($"</ul>").ToMarkup();
    }

    private static Markup Error(string? message) =>
        message is null ? Markup.Empty : new HtmlBuilder().Add($"<br><span class=\"error-text\">{message}</span>").ToMarkup();

    private static Markup SupplyButton(string computer, SoftwareInstallation installation)
    {
        var (state, label, css) = installation.RequestedState == SupplyState.Available
            ? ("destroyed", "Remove", "secondary")
            : ("available", "Supply again", string.Empty);
        return new HtmlBuilder().Add($"""
            <form class="inline" method="post" action="{PortalFormat.ComputerPath(computer)}/supply">
            <input type="hidden" name="url" value="{installation.SoftwareReleaseUrl}"><input type="hidden" name="state" value="{state}">
            <button type="submit" class="{css}" aria-label="{label} {installation.SoftwareReleaseUrl}">{label}</button></form>
            """).ToMarkup();
    }
}
