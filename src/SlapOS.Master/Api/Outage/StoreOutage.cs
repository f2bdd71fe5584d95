using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master.Api.Outage;

/// <summary>
/// The one answer to a lost store: when the database cannot answer now (<see cref="StoreUnavailability"/> says which
/// failures those are), every SlapOS endpoint answers 503 with <c>Retry-After</c> and a clear error, never a bare 500
/// nor a refusal (a full disk says so: reads still work); the next request simply tries the store again, so the master recovers without a restart. Every
/// endpoint goes through <see cref="Wrap"/>, the identity gate (certificate and revocation checks) included.
/// </summary>
internal static class StoreOutage
{
    /// <summary>What <c>Retry-After</c> says, in seconds: about how long a PostgreSQL restart or failover takes.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>The error's <c>type</c> in JSON answers.</summary>
    public const string ErrorType = "store-unavailable";

    private const string Message = "The SlapOS master's database is unreachable for now; nothing was changed by this request unless it was acknowledged before. Retry later.";

    private const string FullMessage = "The SlapOS master's database has no space left on its disk; nothing was changed by this request unless it was acknowledged before. Reads still work. Retry later.";

    /// <summary>Runs <paramref name="next"/>; a lost store becomes a 503 with Retry-After.</summary>
    public static RequestDelegate Wrap(RequestDelegate next) => async context =>
    {
        try
        {
            await next(context);
        }
        catch (SlapOS.Master.Federation.ExternalMasterUnavailableException e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // Federation: the external master a request goes to is down. Same answer, its own reason and delay.
            await WriteAsync(context, ExternalMasterErrorType, e.Message, (int)Math.Ceiling(e.RetryAfter.TotalSeconds));
        }
        catch (Exception e) when (StoreUnavailability.IsUnavailable(e) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("SlapOS.Master.StoreOutage");
            if (logger is not null)
            {
                MasterLog.StoreUnavailable(logger, context.Request.Path, e);
            }

            await WriteAsync(context, ErrorType, StoreUnavailability.IsFull(e) ? FullMessage : Message, RetryAfterSeconds);
        }
    };

    /// <summary>The error's <c>type</c> in JSON answers when an external master cannot be reached (federation).</summary>
    public const string ExternalMasterErrorType = "external-master-unavailable";

    private static async Task WriteAsync(HttpContext context, string type, string message, int retryAfterSeconds)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = context.Request;
        var json = request.Path.StartsWithSegments("/slapos.", StringComparison.Ordinal) || request.Path.Value?.StartsWith("/slapos.", StringComparison.Ordinal) == true
            || request.Headers.Accept.ToString().Contains("json", StringComparison.OrdinalIgnoreCase);
        if (json)
        {
            response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(response.Body, new Dictionary<string, object> { ["status"] = 503, ["type"] = type, ["title"] = message }, cancellationToken: context.RequestAborted);
        }
        else
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("503 Service Unavailable: " + message, context.RequestAborted);
        }
    }
}
