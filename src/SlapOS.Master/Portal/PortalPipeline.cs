using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Limits;

namespace SlapOS.Master.Portal;

/// <summary>
/// What every portal page goes through (after the identity gate): strict security headers, the
/// same-origin check of every POST, and SlapOS errors shown as a page with the right status.
/// </summary>
internal static class PortalPipeline
{
    public static RequestDelegate Create(RequestDelegate page) => async context =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-store";

        if (HttpMethods.IsPost(context.Request.Method) && !SameOriginCheck.Passes(context.Request))
        {
            await PortalLayout.WriteAsync(context, "Refused", Message("This form was not sent from this portal (cross-site request refused)."), StatusCodes.Status403Forbidden);
            return;
        }

        try
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                RequestBodyLimit.Apply(context, RequestBodyKind.PortalForm);
            }

            await page(context);
        }
        catch (Exception e) when (RequestBodyLimit.TooLarge(context, e) is { } tooLarge && !context.Response.HasStarted)
        {
            await PortalLayout.WriteAsync(context, "Too large", Message(tooLarge.Message), StatusCodes.Status413PayloadTooLarge);
        }
        catch (SlapException e) when (!context.Response.HasStarted)
        {
            var status = e.Kind switch
            {
                SlapErrorKind.Validation => StatusCodes.Status400BadRequest,
                SlapErrorKind.Forbidden => StatusCodes.Status403Forbidden,
                SlapErrorKind.NotFound => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status409Conflict,
            };
            var title = status switch
            {
                StatusCodes.Status403Forbidden => "Not yours",
                StatusCodes.Status404NotFound => "Not found",
                _ => "Cannot do that",
            };
            // A refusal does not repeat the engine's message: it would name what the caller may not see.
            var message = status == StatusCodes.Status403Forbidden ? "This belongs to someone else: you may not see or change it." : e.Message;
            await PortalLayout.WriteAsync(context, title, Message(message), status);
        }
    };

    private static Markup Message(string text) => new HtmlBuilder().Add($"<p class=\"error\" role=\"alert\">{text}</p>").ToMarkup();
}
