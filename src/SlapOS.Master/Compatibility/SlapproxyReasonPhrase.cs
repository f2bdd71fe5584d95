using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace SlapOS.Master.Compatibility;

/// <summary>
/// slapproxy's status lines (slapproxy profile only): Werkzeug writes the reason phrase in capitals
/// (<c>400 BAD REQUEST</c>), and the <c>slapos</c> CLI shows it in its error messages
/// (<c>HTTPError: 400 Client Error: BAD REQUEST for url …</c>), which scripts and slapproxy's own tests look for.
/// The status code is unchanged; HTTP/2 and later have no reason phrase.
/// </summary>
internal static class SlapproxyReasonPhrase
{
    /// <summary>In the slapproxy profile, makes this response's reason phrase Werkzeug's.</summary>
    public static void Apply(HttpContext context)
    {
        if (!SlapproxyProfile.IsOn(context))
        {
            return;
        }

        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            if (response.HttpContext.Features.Get<IHttpResponseFeature>() is { } feature)
            {
                feature.ReasonPhrase = ReasonPhrases.GetReasonPhrase(response.StatusCode).ToUpperInvariant();
            }

            return Task.CompletedTask;
        }, context);
    }
}
