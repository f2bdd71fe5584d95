using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Api.Limits;

/// <summary>
/// The one rule for request bodies: an endpoint declares its kind, the limit comes from
/// <see cref="SlapOSMasterLimitsOptions"/>, and a body over it — by Content-Length or counted as it
/// streams in (chunked) — raises <see cref="RequestBodyTooLargeException"/>, which every pipeline answers with 413.
/// </summary>
internal static class RequestBodyLimit
{
    /// <summary>Bounds the body of this request and returns the limit; throws at once if its Content-Length already says it is too large.</summary>
    public static long Apply(HttpContext context, RequestBodyKind kind)
    {
        var limits = context.RequestServices.GetService<IOptions<SlapOSMasterLimitsOptions>>()?.Value ?? new SlapOSMasterLimitsOptions();
        var limit = kind switch
        {
            RequestBodyKind.Json => limits.MaxJsonBodyBytes,
            RequestBodyKind.XmlForm => limits.MaxXmlBodyBytes,
            _ => limits.MaxPortalBodyBytes,
        };
        if (context.Request.ContentLength > limit)
        {
            throw new RequestBodyTooLargeException(limit);
        }

        // Kestrel enforces it on the wire (chunked included); the counting stream covers servers that do not (TestServer).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        context.Items[typeof(RequestBodyLimit)] = limit;

        context.Request.Body = new SlapOS.Wire.BoundedReadStream(context.Request.Body, limit, exceeded => new RequestBodyTooLargeException(exceeded));
        return limit;
    }

    /// <summary>The limit exceeded, if <paramref name="error"/> (or what it wraps) says the body of this request was too large.</summary>
    public static RequestBodyTooLargeException? TooLarge(HttpContext context, Exception error) => error switch
    {
        RequestBodyTooLargeException tooLarge => tooLarge,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } kestrel =>
            new RequestBodyTooLargeException(context.Items[typeof(RequestBodyLimit)] as long?, kestrel),
        { InnerException: { } inner } => TooLarge(context, inner),
        _ => null,
    };
}
