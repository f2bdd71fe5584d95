using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SlapOS.Master.BinaryCache;

/// <summary>
/// Who may upload: the two ways slapos.libnetworkcache authenticates, HTTP basic credentials taken from the
/// upload URL and a client certificate, or anyone when the options allow it.
/// </summary>
internal static class BinaryCacheUploadAuthorization
{
    public static bool IsAllowed(HttpContext context, BinaryCacheOptions options)
    {
        if (options.AllowAnonymousUpload)
        {
            return true;
        }

        var certificate = context.Connection.ClientCertificate;
        if (certificate is not null)
        {
            var thumbprint = Convert.ToHexString(SHA256.HashData(certificate.RawData));
            if (options.UploadCertificateThumbprints.Any(t => string.Equals(t, thumbprint, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        string header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !options.UploadUsers.TryGetValue(decoded[..colon], out var password))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(decoded[(colon + 1)..]), Encoding.UTF8.GetBytes(password));
    }

    /// <summary>The 401 answer, with the challenge a basic-auth client expects.</summary>
    public static IResult Challenge(HttpContext context)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Basic realm=\"slapos-binary-cache\"";
        return Results.Text("Upload needs credentials (basic authentication or an allowed client certificate).", statusCode: StatusCodes.Status401Unauthorized);
    }
}
