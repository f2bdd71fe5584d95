using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// The <c>ETag</c> of a JSON API list a node polls about its computer (its instances, its software installations),
/// built from the computer's stored change stamp (<see cref="ISlapMaster.GetChangeStampAsync"/>): the stamp moves in
/// the same transaction as every change these lists show, so an unchanged stamp means an unchanged answer, whichever
/// master made the change. The stamp is read <em>before</em> the list: a change in between gives a newer answer under
/// an older tag, which costs the next poll a full answer, never a stale one.
/// </summary>
/// <remarks>
/// These reads are <c>POST</c>s (SlapOS's v0 API has no <c>GET</c>), but they are safe: a matching
/// <c>If-None-Match</c> is answered <c>304</c> as a <c>GET</c> would be, not <c>412</c>. A request without the header
/// (real SlapOS clients send none) gets the full answer, with the tag.
/// </remarks>
internal static class ComputerEntityTag
{
    /// <summary>The list of the computer's instances.</summary>
    public const string Instances = "i";

    /// <summary>The list of the computer's software installations.</summary>
    public const string SoftwareInstallations = "s";

    /// <summary>
    /// Sets the answer's <c>ETag</c> for <paramref name="list"/> of <paramref name="computerReference"/> and tells
    /// whether the caller's <c>If-None-Match</c> names it (then the answer is <see cref="JsonApiNotModified"/>).
    /// Call it after authorization: a 304 says the resource exists.
    /// </summary>
    public static async Task<bool> NotModifiedAsync(HttpContext context, ISlapMaster master, string computerReference, string list, CancellationToken cancellationToken)
    {
        var stamp = await master.GetChangeStampAsync(computerReference, cancellationToken).ConfigureAwait(false);
        var tag = Of(computerReference, list, stamp);
        context.Response.Headers.ETag = tag.ToString();
        var ifNoneMatch = context.Request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            // No header, or one that does not parse: the full answer, as to any client.
            return false;
        }

        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false));
    }

    /// <summary>
    /// The tag: the list, the stamp, and a digest of the computer's reference (stamps of computers never changed are
    /// all 0, and a reference may hold characters a quoted tag cannot).
    /// </summary>
    internal static EntityTagHeaderValue Of(string computerReference, string list, long stamp)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(computerReference), digest);
        return new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture, $"\"{list}{stamp}-{Convert.ToHexStringLower(digest[..8])}\""));
    }
}
