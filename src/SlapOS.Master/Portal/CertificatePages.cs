using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master.Api.Json;

namespace SlapOS.Master.Portal;

/// <summary>
/// A computer's certificates on its page and their revocation button. Who may list and revoke is decided by the JSON
/// API's own check (<see cref="CertificateEndpoints.DemandSubjectAsync"/>), and the revocation is the JSON call's.
/// </summary>
internal static class CertificatePages
{
    /// <summary>The reasons offered, in the revocation calls' words; the first is the default.</summary>
    private static readonly string[] Reasons = ["key_compromise", "unspecified", "cessation_of_operation", "privilege_withdrawn", "superseded"];

    /// <summary>The certificates section of a computer's page; nothing without a certificate authority or for a caller who may not act on them.</summary>
    public static async Task<Markup> ComputerSectionAsync(HttpContext context, string computer)
    {
        if (context.RequestServices.GetService<ICertificateAuthority>() is null)
        {
            return Markup.Empty;
        }

        IReadOnlyList<CertificateRecord> certificates;
        try
        {
            certificates = await CertificateEndpoints.ListSubjectAsync(context, new SlapIdentity(IdentityKind.Computer, computer), context.RequestAborted);
        }
        catch (SlapForbiddenException)
        {
            return Markup.Empty;
        }

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var html = new HtmlBuilder().Add($"""<section aria-labelledby="certificates"><h2 id="certificates">Certificates</h2>""");
        if (certificates.Count == 0)
        {
            return html.Add($"<p class=\"muted\">No certificate was issued to this computer.</p></section>").ToMarkup();
        }

        html.Add($"""
            <div class="table-wrap"><table class="stack">
            <thead><tr><th scope="col">Serial number</th><th scope="col">State</th><th scope="col">Valid until</th><th scope="col">Revoked</th><th scope="col">Action</th></tr></thead><tbody>
            """);
        foreach (var certificate in certificates)
        {
            var state = CertificateEndpoints.StateOf(certificate, now);
            html.Add($"""
                <tr><td data-label="Serial number" class="url">{certificate.SerialNumber}</td>
                <td data-label="State">{PortalFormat.State(state)}</td>
                <td data-label="Valid until">{PortalFormat.Time(certificate.NotAfter)}</td>
                <td data-label="Revoked">{(certificate.RevokedAt is { } at ? PortalFormat.Time(at) : Markup.Empty)} {certificate.RevocationReason?.ToString() ?? string.Empty}</td>
                <td data-label="Action">{(state == "valid" ? RevokeButton(computer, certificate.SerialNumber) : Markup.Empty)}</td></tr>
                """);
        }

        return html.Add($"</tbody></table></div></section>").ToMarkup();
    }

    /// <summary>POST <c>/portal/computers/{computer}/revoke</c>: revokes one of the computer's certificates (the form's serial number and reason).</summary>
    public static async Task RevokeAsync(HttpContext context)
    {
        var computer = PortalEndpoints.Route(context, "computer");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var serial = form["serial_number"].ToString().Trim();
        if (serial.Length == 0)
        {
            throw new SlapValidationException("serial_number", "is required");
        }

        var reason = CertificateEndpoints.ParseReason(form["reason"].ToString() is { Length: > 0 } r ? r : null);
        var subject = new SlapIdentity(IdentityKind.Computer, computer);
        await CertificateEndpoints.DemandSubjectAsync(context, subject, context.RequestAborted);
        var message = await CertificateEndpoints.RevokeAsync(context, subject, serial, reason, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = $"{PortalFormat.ComputerPath(computer)}?revoked={Uri.EscapeDataString(message + ": every master refuses it within seconds.")}#certificates";
    }

    private static Markup RevokeButton(string computer, string serial)
    {
        var html = new HtmlBuilder().Add($"""
            <form class="inline" method="post" action="{PortalFormat.ComputerPath(computer)}/revoke">
            <input type="hidden" name="serial_number" value="{serial}">
            <label for="reason-{serial}" class="muted">Reason</label> <select id="reason-{serial}" name="reason">
            """);
        foreach (var reason in Reasons)
        {
            html.Add($"<option value=\"{reason}\">{reason.Replace('_', ' ')}</option>");
        }

        return html.Add($"""
            </select>
            <button type="submit" class="secondary" aria-label="Revoke certificate {serial}">Revoke</button></form>
            """).ToMarkup();
    }
}
