using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>
/// The request form: release, title, software type, parameters (key=value lines or a JSON object), SLA
/// (key=value lines), shared flag and state. The instance is requested as the caller (a person's root, or
/// <c>root</c> for an administrator); when nothing can host it the allocation's explanation is shown.
/// </summary>
internal static class RequestPage
{
    public static Task FormAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var values = new RequestFormValues(query["release"], null, "default", null, null, false, "started");
        return WriteFormAsync(context, values, error: null, StatusCodes.Status200OK);
    }

    public static async Task SubmitAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var values = new RequestFormValues(
            form["release"].ToString().Trim(),
            form["title"].ToString().Trim(),
            form["software_type"].ToString().Trim() is { Length: > 0 } type ? type : InstanceRequest.DefaultSoftwareType,
            form["parameters"],
            form["sla"],
            form["shared"] == "on",
            form["state"].ToString() is { Length: > 0 } state ? state : "started");
        SoftwareInstance instance;
        try
        {
            var request = new InstanceRequest
            {
                Title = values.Title ?? string.Empty,
                RequesterReference = SlapAuthorization.RequesterOf(context.GetSlapIdentity()),
                SoftwareReleaseUrl = values.Release ?? string.Empty,
                SoftwareType = values.SoftwareType,
                Parameters = KeyValueLines.Parse(values.Parameters, "parameters", allowJson: true),
                Sla = KeyValueLines.Parse(values.Sla, "sla", allowJson: false),
                Shared = values.Shared,
                State = SlapStates.ParseRequestedState(values.State),
            };
            instance = await context.RequestServices.GetRequiredService<ISlapMaster>().RequestAsync(request, context.RequestAborted);
        }
        catch (NoFreePartitionException e)
        {
            await WriteFormAsync(context, values, new Error("Nothing can host this request", e.Message, e), StatusCodes.Status409Conflict);
            return;
        }
        catch (SlapException e) when (e.Kind is SlapErrorKind.Validation or SlapErrorKind.NotFound or SlapErrorKind.Conflict)
        {
            await WriteFormAsync(context, values, new Error("The request was not accepted", e.Message), e.Kind == SlapErrorKind.Validation ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = $"{PortalFormat.TreePath(instance.RootReference)}#instance-{Uri.EscapeDataString(instance.Reference)}";
    }

    private static async Task WriteFormAsync(HttpContext context, RequestFormValues values, Error? error, int status)
    {
        var body = new HtmlBuilder();
        if (error is { } e)
        {
            body.Add($"""
                <div class="error" role="alert" id="request-error"><strong>{e.Heading}.</strong> <span class="explanation">{e.Message}</span></div>
                """);
        }

        if (error?.Allocation is not null)
        {
            body.Add($"""<div class="beside">""");
        }

        body.Add($"""
            <form class="card" method="post" action="{PortalEndpoints.Root}/request" aria-describedby="request-help">
            <p id="request-help" class="hint">Requesting again with the same title updates that instance (its release, type, parameters or state).</p>
            <div class="field"><label for="release">Software release URL</label>
            <input type="text" id="release" name="release" required inputmode="url" value="{values.Release ?? string.Empty}" placeholder="https://example.org/software.cfg"></div>
            <div class="field"><label for="title">Title</label>
            <input type="text" id="title" name="title" required value="{values.Title ?? string.Empty}"></div>
            <div class="field"><label for="software_type">Software type</label>
            <input type="text" id="software_type" name="software_type" value="{values.SoftwareType}"></div>
            <div class="field"><label for="parameters">Parameters</label>
            <textarea id="parameters" name="parameters" rows="5" aria-describedby="parameters-hint">{values.Parameters ?? string.Empty}</textarea>
            <span id="parameters-hint" class="hint">One key=value per line, or a JSON object such as {"{"}"port": 8080{"}"}.</span></div>
            <div class="field"><label for="sla">SLA</label>
            <textarea id="sla" name="sla" rows="3" aria-describedby="sla-hint">{values.Sla ?? string.Empty}</textarea>
            <span id="sla-hint" class="hint">One key=value per line: computer_guid, region, cpu_architecture, max_price, instance_guid (for a shared instance)…</span></div>
            <div class="field"><label for="state">State</label>
            <select id="state" name="state">{Option("started", values.State)}{Option("stopped", values.State)}{Option("destroyed", values.State)}</select></div>
            <div class="check"><input type="checkbox" id="shared" name="shared"{new Markup(values.Shared ? " checked" : string.Empty)}><label for="shared">Shared instance (hosted by a partition already running this release and type)</label></div>
            <button type="submit">Request</button>
            </form>
            """);
        if (error?.Allocation is { } allocation)
        {
            var visible = (await PortalEndpoints.Queries(context).ListCapacityAsync(context.GetSlapIdentity(), context.RequestAborted))
                .Select(c => c.ComputerReference).ToHashSet(StringComparer.Ordinal);
            body.Add(AllocationExplanation.Render(allocation, visible));
            body.Add($"</div>");
        }

        await PortalLayout.WriteAsync(context, "Request an instance", body.ToMarkup(), status);
    }

    private static Markup Option(string value, string selected) =>
        new HtmlBuilder().Add($"<option value=\"{value}\"{new Markup(value == selected ? " selected" : string.Empty)}>{value}</option>").ToMarkup();

    private sealed record Error(string Heading, string Message, NoFreePartitionException? Allocation = null);
}
