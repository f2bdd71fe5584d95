using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>
/// Start, stop and destroy an instance, each behind a confirmation page that needs no script: the tree page links to
/// <c>GET /portal/instances/{instance}/state?to=…</c> (which changes nothing), whose form posts the change. The change
/// itself is the master's re-request of the instance (<see cref="PortalQueries.ChangeStateAsync"/>).
/// </summary>
internal static class InstancePages
{
    /// <summary>The action buttons of an instance on its tree page (none once it is being destroyed).</summary>
    public static Markup Actions(SoftwareInstance instance)
    {
        if (instance.RequestedState == RequestedState.Destroyed)
        {
            return Markup.Empty;
        }

        var html = new HtmlBuilder().Add($"<p class=\"actions\">");
        foreach (var state in new[] { RequestedState.Started, RequestedState.Stopped, RequestedState.Destroyed })
        {
            if (state != instance.RequestedState)
            {
                var verb = Verb(state);
                html.Add($"<a class=\"button{new Markup(state == RequestedState.Destroyed ? " danger" : string.Empty)}\" href=\"{StatePath(instance.Reference)}?to={state.ToWire()}\" aria-label=\"{verb} {instance.Title}\">{verb}</a> ");
            }
        }

        return html.Add($"</p>").ToMarkup();
    }

    /// <summary>GET <c>/portal/instances/{instance}/state?to=started|stopped|destroyed</c>: the confirmation page.</summary>
    public static async Task ConfirmAsync(HttpContext context)
    {
        var state = SlapStates.ParseRequestedState(context.Request.Query["to"].ToString(), "to");
        var (instance, tree) = await PortalEndpoints.Queries(context).GetInstanceAsync(context.GetSlapIdentity(), PortalEndpoints.Route(context, "instance"), context.RequestAborted);
        await WriteConfirmationAsync(context, instance, tree, state, error: null, StatusCodes.Status200OK);
    }

    /// <summary>
    /// POST <c>/portal/instances/{instance}/state</c> (<c>state</c>, <c>confirmed=yes</c>, and <c>understood=on</c> to
    /// destroy): changes the requested state and goes back to the tree. Without the confirmation it shows the confirmation page.
    /// </summary>
    public static async Task ChangeAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var state = SlapStates.ParseRequestedState(form["state"].ToString());
        var reference = PortalEndpoints.Route(context, "instance");
        var queries = PortalEndpoints.Queries(context);
        var caller = context.GetSlapIdentity();
        var confirmed = form["confirmed"] == "yes" && (state != RequestedState.Destroyed || form["understood"] == "on");
        if (!confirmed)
        {
            var (instance, tree) = await queries.GetInstanceAsync(caller, reference, context.RequestAborted);
            var error = state == RequestedState.Destroyed ? "Tick the box to confirm that the instance's data will be lost." : "Confirm the change first.";
            await WriteConfirmationAsync(context, instance, tree, state, error, StatusCodes.Status400BadRequest);
            return;
        }

        var changed = await queries.ChangeStateAsync(caller, reference, state, context.RequestAborted);
        var message = $"Asked for {changed.Title} to be {changed.RequestedState.ToWire()}: its node applies it on its next run.";
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = $"{PortalFormat.TreePath(changed.RootReference)}?changed={Uri.EscapeDataString(message)}#instance-{Uri.EscapeDataString(changed.Reference)}";
    }

    public static string StatePath(string instance) => $"{PortalEndpoints.Root}/instances/{Uri.EscapeDataString(instance)}/state";

    private static Task WriteConfirmationAsync(HttpContext context, SoftwareInstance instance, InstanceTree tree, RequestedState state, string? error, int status)
    {
        var verb = Verb(state);
        var descendants = Descendants(tree, instance);
        var treePath = $"{PortalFormat.TreePath(instance.RootReference)}#instance-{instance.Reference}";
        var body = new HtmlBuilder();
        if (error is not null)
        {
            body.Add($"<p class=\"error\" role=\"alert\">{error}</p>");
        }

        body.Add($"""
            <form class="card confirm" method="post" action="{StatePath(instance.Reference)}">
            <p>{instance.Title} <span class="muted">{instance.Reference}</span> is requested {PortalFormat.Requested(instance.RequestedState)} and reported {PortalFormat.Reported(instance.ReportedState)}.</p>
            <p>{Effect(state, instance, descendants)}</p>
            <input type="hidden" name="state" value="{state.ToWire()}"><input type="hidden" name="confirmed" value="yes">
            """);
        if (state == RequestedState.Destroyed)
        {
            body.Add($"""<div class="check"><input type="checkbox" id="understood" name="understood" required><label for="understood">I understand that the data of {instance.Title}{(descendants > 0 ? $" and its {descendants} descendant instance(s)" : string.Empty)} is lost</label></div>""");
        }

        body.Add($"""
            <p class="row"><button type="submit"{new Markup(state == RequestedState.Destroyed ? " class=\"danger\"" : string.Empty)}>Yes, {verb.ToLowerInvariant()} {instance.Title}</button>
            <a href="{treePath}">Cancel</a></p>
            </form>
            """);
        return PortalLayout.WriteAsync(context, $"{verb} {instance.Title}?", body.ToMarkup(), status);
    }

    private static string Effect(RequestedState state, SoftwareInstance instance, int descendants) => state switch
    {
        RequestedState.Started => "Its node starts its processes again."
            + (instance.IsRoot ? string.Empty : " A child of a root that is not started keeps the root's state."),
        RequestedState.Stopped => "Its node stops its processes; its partition and data are kept and it can be started again."
            + (instance.IsRoot && descendants > 0 ? $" Its {descendants} descendant instance(s) take the root's state when they are next requested." : string.Empty),
        _ => "Its node stops it and wipes its partition, which becomes free again. This cannot be undone."
            + (descendants > 0 ? $" Its {descendants} descendant instance(s) are destroyed with it." : string.Empty),
    };

    private static string Verb(RequestedState state) => state switch
    {
        RequestedState.Started => "Start",
        RequestedState.Stopped => "Stop",
        _ => "Destroy",
    };

    private static int Descendants(InstanceTree tree, SoftwareInstance instance) =>
        tree.ChildrenOf(instance).Sum(child => 1 + Descendants(tree, child));
}
