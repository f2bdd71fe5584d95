using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>The instance trees list and a tree's page: root, children, shared instances, states and connection parameters.</summary>
internal static class TreePages
{
    public static async Task ListAsync(HttpContext context)
    {
        var trees = await PortalEndpoints.Queries(context).ListTreesAsync(context.GetSlapIdentity(), context.RequestAborted);
        var body = new HtmlBuilder();
        body.Add($"<p><a href=\"{PortalEndpoints.Root}/request\">Request an instance</a></p>");
        ExternalMastersSection(context, body);
        if (trees.Count == 0)
        {
            body.Add($"<p>No instance tree is yours to see.</p>");
            await PortalLayout.WriteAsync(context, "Instance trees", body.ToMarkup());
            return;
        }

        body.Add($"""
            <div class="table-wrap"><table class="stack">
            <caption>{trees.Count} tree(s)</caption>
            <thead><tr><th scope="col">Root instance</th><th scope="col">Owner</th><th scope="col">Release and type</th><th scope="col">Requested</th><th scope="col">Reported</th><th scope="col" class="num">Instances</th><th scope="col">Where</th></tr></thead><tbody>
            """);
        var forwarded = await Federation.ForwardedInstances.OfAsync(context.RequestServices, trees.Select(t => t.Root), context.RequestAborted);
        foreach (var tree in trees)
        {
            var root = tree.Root;
            body.Add($"""
                <tr><td data-label="Root instance"><a href="{PortalFormat.TreePath(root.Reference)}">{root.Title}</a>{(root.Shared ? " (shared)" : string.Empty)}</td>
                <td data-label="Owner">{tree.Owner}</td>
                <td data-label="Release and type"><span class="url">{root.SoftwareReleaseUrl}</span><br>{root.SoftwareType}</td>
                <td data-label="Requested">{PortalFormat.Requested(root.RequestedState)}</td>
                <td data-label="Reported">{PortalFormat.Reported(root.ReportedState)}</td>
                <td data-label="Instances" class="num">{tree.Instances.Count}</td>
                <td data-label="Where">{Where(root, forwarded)}</td></tr>
                """);
        }

        body.Add($"</tbody></table></div>");
        await PortalLayout.WriteAsync(context, "Instance trees", body.ToMarkup());
    }

    public static async Task DetailAsync(HttpContext context)
    {
        var reference = PortalEndpoints.Route(context, "instance");
        var portalTree = await PortalEndpoints.Queries(context).GetTreeAsync(context.GetSlapIdentity(), reference, context.RequestAborted);
        var showSecrets = context.Request.Query["show"] == "secrets";
        var tree = portalTree.Tree;
        var body = new HtmlBuilder();
        var path = PortalFormat.TreePath(tree.Root.Reference);
        if (context.Request.Query["changed"].ToString() is { Length: > 0 } changed)
        {
            body.Add($"<p class=\"notice\" role=\"status\">{changed}</p>");
        }

        body.Add($"""
            <p>Owner <strong>{tree.Owner}</strong> · {tree.Instances.Count} instance(s) ·
            {(showSecrets ? new HtmlBuilder().Add($"<a href=\"{path}\">Hide secret connection parameters</a>").ToMarkup() : new HtmlBuilder().Add($"<a href=\"{path}?show=secrets\">Show secret connection parameters</a>").ToMarkup())}</p>
            """);
        body.Add(TreeGraph.Render(tree, "tree-graph"));
        body.Add($"""<ul class="tree">""");
        var forwarded = await Federation.ForwardedInstances.OfAsync(context.RequestServices, tree.Instances, context.RequestAborted);
        Node(body, tree, tree.Root, portalTree.Hosted, forwarded, showSecrets, depth: 0);
        body.Add($"</ul>");
        await PortalLayout.WriteAsync(context, "Instance tree " + tree.Root.Title, body.ToMarkup());
    }

    private static void Node(HtmlBuilder body, InstanceTree tree, SoftwareInstance instance, IReadOnlyDictionary<string, IReadOnlyList<SoftwareInstance>> hosted, IReadOnlyDictionary<string, ForwardedInstance> forwarded, bool showSecrets, int depth)
    {
        var heading = Math.Min(depth + 2, 6);
        body.Add($"""
            <li><article class="node" id="instance-{instance.Reference}" aria-labelledby="title-{instance.Reference}">
            <h{heading} id="title-{instance.Reference}">{instance.Title}{(instance.IsRoot ? " (root)" : string.Empty)}{(instance.Shared ? " (shared)" : string.Empty)}</h{heading}>
            <dl class="attrs">
            <dt>Reference</dt><dd>{instance.Reference}</dd>
            <dt>Release</dt><dd class="url">{instance.SoftwareReleaseUrl}</dd>
            <dt>Software type</dt><dd>{instance.SoftwareType}</dd>
            <dt>Requested</dt><dd>{PortalFormat.Requested(instance.RequestedState)}</dd>
            <dt>Reported</dt><dd>{PortalFormat.Reported(instance.ReportedState)} <span class="muted">last report</span> {PortalFormat.Time(instance.ReportedAt)}</dd>
            <dt>Where</dt><dd>{Where(instance, forwarded)}</dd>
            {(instance.ErrorMessage is { } error ? new HtmlBuilder().Add($"<dt>Error</dt><dd class=\"error-text\">{error}</dd>").ToMarkup() : Markup.Empty)}
            <dt>Parameters</dt><dd>{Parameters(instance.Parameters, mask: true, showSecrets)}</dd>
            <dt>Connection</dt><dd>{Parameters(instance.ConnectionParameters, mask: true, showSecrets)}</dd>
            </dl>
            {InstancePages.Actions(instance)}
            """);
        if (hosted.TryGetValue(instance.Reference, out var guests))
        {
            body.Add($"<p>Hosts {guests.Count} shared instance(s):</p><ul class=\"plain\">");
            foreach (var guest in guests)
            {
                body.Add($"<li>{guest.Title} <span class=\"muted\">{guest.Reference}</span> {PortalFormat.Requested(guest.RequestedState)}</li>");
            }

            body.Add($"</ul>");
        }

        body.Add($"</article>");
        var children = tree.ChildrenOf(instance).OrderBy(c => c.Title, StringComparer.Ordinal).ToList();
        if (children.Count > 0)
        {
            body.Add($"<ul>");
            foreach (var child in children)
            {
                Node(body, tree, child, hosted, forwarded, showSecrets, depth + 1);
            }

            body.Add($"</ul>");
        }

        body.Add($"</li>");
    }

    /// <summary>Federation: the external masters this master forwards to, and whether they answered last time.</summary>
    private static void ExternalMastersSection(HttpContext context, HtmlBuilder body)
    {
        if (context.RequestServices.GetService(typeof(Federation.ExternalMasters)) is not Federation.ExternalMasters masters || !masters.Any)
        {
            return;
        }

        body.Add($"""<section aria-labelledby="external-masters"><h2 id="external-masters">External masters</h2><ul class="plain">""");
        foreach (var master in masters.Health())
        {
            body.Add($"""
                <li><strong>{master.Name}</strong> <span class="url">{master.Url}</span> ·
                {(master.LastError is { } error
                    ? new HtmlBuilder().Add($"<span class=\"error-text\">unreachable since {PortalFormat.Time(master.LastFailure)}: {error}</span>").ToMarkup()
                    : new HtmlBuilder().Add($"<span class=\"muted\">last answered</span> {PortalFormat.Time(master.LastAnswer)}").ToMarkup())}</li>
                """);
        }

        body.Add($"</ul></section>");
    }

    private static Markup Where(SoftwareInstance instance, IReadOnlyDictionary<string, ForwardedInstance> forwarded)
    {
        if (forwarded.TryGetValue(instance.Reference, out var external))
        {
            // Federation: it lives on another master; say which, as what, and whether it answered last time.
            return new HtmlBuilder().Add($"""
                external master <span class="url">{external.MasterUrl}</span> as {external.ExternalReference ?? external.ExternalTitle}
                {(external.ExternalComputerReference is { } c ? new HtmlBuilder().Add($"on {c} / {external.ExternalPartitionReference}").ToMarkup() : Markup.Empty)}
                {(external.LastError is { } error ? new HtmlBuilder().Add($"<span class=\"error-text\">unreachable: {error}</span>").ToMarkup() : new HtmlBuilder().Add($"<span class=\"muted\">synced</span> {PortalFormat.Time(external.SyncedAt)}").ToMarkup())}
                """).ToMarkup();
        }

        if (instance.ComputerReference is not { } computer)
        {
            return new Markup("<span class=\"muted\">not allocated</span>");
        }

        var html = new HtmlBuilder().Add($"<a href=\"{PortalFormat.ComputerPath(computer)}\">{computer}</a> / {instance.PartitionReference}");
        if (instance.HostInstanceReference is { } host)
        {
            html.Add($" <span class=\"muted\">hosted by {host}</span>");
        }

        return html.ToMarkup();
    }

    private static Markup Parameters(IReadOnlyDictionary<string, string> parameters, bool mask, bool showSecrets)
    {
        if (parameters.Count == 0)
        {
            return new Markup("<span class=\"muted\">none</span>");
        }

        var html = new HtmlBuilder().Add($"<dl class=\"attrs params\">");
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var hidden = mask && !showSecrets && ConnectionParameterMask.IsSecret(key);
            html.Add($"<dt>{key}</dt><dd class=\"url\">{(hidden ? new HtmlBuilder().Add($"<span aria-label=\"hidden secret\">{ConnectionParameterMask.Masked}</span>").ToMarkup() : new HtmlBuilder().Add($"{value}").ToMarkup())}</dd>");
        }

        return html.Add($"</dl>").ToMarkup();
    }
}
