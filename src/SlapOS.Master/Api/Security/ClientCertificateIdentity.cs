using System.Security.Cryptography.X509Certificates;

namespace SlapOS.Master.Api.Security;

/// <summary>
/// Reads the SlapOS identity from a client certificate's subject: the organizational unit names the
/// kind (<c>person</c>, <c>computer</c>, <c>partition</c>, <c>admin</c>…) and the common name the reference.
/// Chain and revocation checks happen in the TLS handshake.
/// </summary>
internal static class ClientCertificateIdentity
{
    public static SlapIdentity? From(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return null;
        }

        string? kind = null, reference = null;
        foreach (var part in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            var oid = part.GetSingleElementType().Value;
            var value = part.GetSingleElementValue();
            if (oid == "2.5.4.11")
            {
                kind = value;
            }
            else if (oid == "2.5.4.3")
            {
                reference = value;
            }
        }

        if (reference is null)
        {
            return null;
        }

        // An administrator is a person whose certificate says "admin" as its kind.
        if (string.Equals(kind, "admin", StringComparison.OrdinalIgnoreCase))
        {
            return new SlapIdentity(IdentityKind.Person, reference, IsAdmin: true);
        }

        return Enum.TryParse<IdentityKind>(kind, ignoreCase: true, out var identityKind) && Enum.IsDefined(identityKind)
            ? new SlapIdentity(identityKind, reference)
            : null;
    }
}
