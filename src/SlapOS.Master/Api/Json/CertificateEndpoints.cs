using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// Certificates handed to computers and partitions by the master's certificate authority, and their revocation.
/// Revocations go to the shared registry (<see cref="IIdentityStore"/>): every master refuses the certificate at
/// its next handshake once its revocation cache is refreshed (<c>RevocationRefreshInterval</c>, 2 s by default).
/// </summary>
internal static class CertificateEndpoints
{
    /// <summary>Issues a certificate for <paramref name="subject"/> (<see cref="CertificateRenewal"/>), as the JSON API answers it.</summary>
    public static async Task<object> IssueAsync(HttpContext context, SlapIdentity subject, CancellationToken cancellationToken)
    {
        var (key, certificate) = await CertificateRenewal.IssueAsync(context.RequestServices, subject, cancellationToken);
        return new Dictionary<string, object?> { ["key"] = key, ["certificate"] = certificate };
    }

    /// <summary>
    /// <c>slapos.remove.v0.certificate</c>: revokes one certificate by serial number. The caller must be allowed to act
    /// on its subject (as for the subject's own revocation call); only an administrator revokes a master's.
    /// </summary>
    public static async Task<object> RevokeSerialAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var serial = CertificateSerialNumber.Normalize(JsonDocuments.RequiredString(body, "serial_number"));
        var reason = ReasonOf(body);
        var store = context.RequestServices.GetRequiredService<IIdentityStore>();
        var certificate = await store.GetCertificateAsync(serial, cancellationToken)
            ?? throw new SlapException(SlapErrorKind.NotFound, $"no certificate with serial number {serial} was issued by this master");
        await DemandSubjectAsync(context, certificate.Subject, cancellationToken);
        await store.RevokeCertificateAsync(serial, Now(context), reason, cancellationToken);
        return JsonDocuments.Success($"Revoked certificate {serial}");
    }

    /// <summary>Revokes every unexpired certificate of a subject the caller was already allowed to act on.</summary>
    public static async Task<object> RevokeSubjectAsync(HttpContext context, JsonElement body, SlapIdentity subject, CancellationToken cancellationToken) =>
        JsonDocuments.Success(await RevokeAsync(context, subject, JsonDocuments.OptionalString(body, "serial_number"), ReasonOf(body), cancellationToken));

    /// <summary>
    /// Revokes one certificate of <paramref name="subject"/> (<paramref name="serialNumber"/>), or all its unexpired ones,
    /// for a caller already allowed to act on it (<see cref="DemandSubjectAsync"/>); answers what was done. The JSON calls
    /// and the portal's button both come here.
    /// </summary>
    internal static async Task<string> RevokeAsync(HttpContext context, SlapIdentity subject, string? serialNumber, RevocationReason reason, CancellationToken cancellationToken)
    {
        var store = context.RequestServices.GetRequiredService<IIdentityStore>();
        if (serialNumber is { } given)
        {
            var serial = CertificateSerialNumber.Normalize(given);
            var certificate = await store.GetCertificateAsync(serial, cancellationToken);
            if (certificate is null || certificate.Subject.Kind != subject.Kind || certificate.Subject.Reference != subject.Reference)
            {
                throw new SlapException(SlapErrorKind.NotFound, $"{Describe(subject)} has no certificate with serial number {serial}");
            }

            await store.RevokeCertificateAsync(serial, Now(context), reason, cancellationToken);
            return $"Revoked certificate {serial}";
        }

        var count = await store.RevokeCertificatesAsync(subject.Kind, subject.Reference, null, Now(context), reason, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"Revoked {count} certificate(s) of {Describe(subject)}");
    }

    /// <summary><c>slapos.remove.v0.person_certificate</c>: a person revokes their own certificates; an administrator anyone's.</summary>
    public static async Task<object> RevokePersonAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var reference = SlapReference.ValidateTitle(JsonDocuments.RequiredString(body, "person_reference"), "person_reference", SlapReference.MaxReferenceLength);
        var subject = new SlapIdentity(IdentityKind.Person, reference);
        await DemandSubjectAsync(context, subject, cancellationToken);
        return await RevokeSubjectAsync(context, body, subject, cancellationToken);
    }

    /// <summary><c>slapos.allDocs.v0.certificate_list</c>: the certificates of one subject the caller may act on, newest first.</summary>
    public static async Task<object> ListAsync(HttpContext context, JsonElement body, CancellationToken cancellationToken)
    {
        var kind = JsonDocuments.RequiredString(body, "kind") switch
        {
            "computer" => IdentityKind.Computer,
            "partition" => IdentityKind.Partition,
            "person" => IdentityKind.Person,
            "master" => IdentityKind.Master,
            _ => throw new SlapValidationException("kind", "must be computer, partition, person or master"),
        };
        var subject = new SlapIdentity(kind, SlapReference.ValidateTitle(JsonDocuments.RequiredString(body, "reference"), "reference", SlapReference.MaxReferenceLength));
        var now = Now(context);
        var certificates = await ListSubjectAsync(context, subject, cancellationToken);
        return JsonDocuments.ResultList(certificates.Select(c => new Dictionary<string, object?>
        {
            ["serial_number"] = c.SerialNumber,
            ["not_before"] = c.NotBefore.ToString("O", CultureInfo.InvariantCulture),
            ["not_after"] = c.NotAfter.ToString("O", CultureInfo.InvariantCulture),
            ["issued_at"] = c.IssuedAt.ToString("O", CultureInfo.InvariantCulture),
            ["revoked_at"] = c.RevokedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["revocation_reason"] = c.RevocationReason?.ToString(),
            ["state"] = StateOf(c, now),
        }));
    }

    /// <summary>The certificates of a subject the caller may act on (else 403), newest first: the JSON list and the portal.</summary>
    internal static async Task<IReadOnlyList<CertificateRecord>> ListSubjectAsync(HttpContext context, SlapIdentity subject, CancellationToken cancellationToken)
    {
        await DemandSubjectAsync(context, subject, cancellationToken);
        return await context.RequestServices.GetRequiredService<IIdentityStore>().ListCertificatesAsync(subject.Kind, subject.Reference, cancellationToken);
    }

    /// <summary>A certificate's state word at <paramref name="now"/>: <c>valid</c>, <c>revoked</c> or <c>expired</c>.</summary>
    internal static string StateOf(CertificateRecord certificate, DateTimeOffset now) =>
        certificate.IsRevokedAt(now) ? "revoked" : certificate.NotAfter <= now ? "expired" : "valid";

    /// <summary>
    /// Who may revoke (or list) a subject's certificates: whoever may act on the subject — a computer itself, its owner;
    /// an instance, its node, its tree's owner; a person themself — and an administrator for everything.
    /// </summary>
    internal static async Task DemandSubjectAsync(HttpContext context, SlapIdentity subject, CancellationToken cancellationToken)
    {
        var caller = context.GetSlapIdentity();
        if (caller.IsAdmin)
        {
            return;
        }

        var master = context.RequestServices.GetRequiredService<ISlapMaster>();
        switch (subject.Kind)
        {
            case IdentityKind.Computer:
                SlapAuthorization.DemandComputer(caller, subject.Reference, caller.Kind == IdentityKind.Person ? await master.GetComputerAsync(subject.Reference, cancellationToken) : null);
                return;
            case IdentityKind.Partition:
                var instance = await master.GetInstanceAsync(subject.Reference, cancellationToken);
                var owner = instance.IsRoot ? instance.RequesterReference : (await master.GetInstanceAsync(instance.RootReference, cancellationToken)).RequesterReference;
                SlapAuthorization.DemandInstance(caller, instance, owner);
                return;
            case IdentityKind.Person when caller.Kind == IdentityKind.Person && caller.Reference == subject.Reference:
                return;
            default:
                throw new SlapForbiddenException($"{Describe(caller)} may not act on the certificates of {Describe(subject)}");
        }
    }

    private static RevocationReason ReasonOf(JsonElement body) => ParseReason(JsonDocuments.OptionalString(body, "reason"));

    /// <summary>The reason words of the revocation calls (the CRL reason codes), also the portal's choices.</summary>
    internal static RevocationReason ParseReason(string? reason) => reason switch
    {
        null or "unspecified" => RevocationReason.Unspecified,
        "key_compromise" => RevocationReason.KeyCompromise,
        "superseded" => RevocationReason.Superseded,
        "cessation_of_operation" => RevocationReason.CessationOfOperation,
        "privilege_withdrawn" => RevocationReason.PrivilegeWithdrawn,
        _ => throw new SlapValidationException("reason", "must be unspecified, key_compromise, superseded, cessation_of_operation or privilege_withdrawn"),
    };

    private static DateTimeOffset Now(HttpContext context) => context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();

    private static string Describe(SlapIdentity identity) => $"{identity.Kind.ToString().ToLowerInvariant()} '{identity.Reference}'";
}
