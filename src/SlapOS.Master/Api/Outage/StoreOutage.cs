using System.Data.Common;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Master.Telemetry;

namespace SlapOS.Master.Api.Outage;

/// <summary>
/// The one rule for a lost store: when the database cannot be reached (connection refused or lost, no primary,
/// a transient error, SQLite busy or locked, a timeout) or cannot write for want of space (SQLite's SQLITE_FULL,
/// PostgreSQL's disk_full, a file write failing with ENOSPC or EDQUOT), every SlapOS endpoint answers 503 with
/// <c>Retry-After</c> and a clear error, never a bare 500; the next request simply tries the store again, so
/// the master recovers without a restart. Every endpoint goes through <see cref="Wrap"/>.
/// </summary>
internal static class StoreOutage
{
    /// <summary>What <c>Retry-After</c> says, in seconds: about how long a PostgreSQL restart or failover takes.</summary>
    public const int RetryAfterSeconds = 2;

    /// <summary>The error's <c>type</c> in JSON answers.</summary>
    public const string ErrorType = "store-unavailable";

    /// <summary>Npgsql's message when a multi-host data source tried no host (each recently down or a standby).</summary>
    private const string NpgsqlNoSuitableHost = "No suitable host was found";

    private const string Message = "The SlapOS master's database is unreachable for now; nothing was changed by this request unless it was acknowledged before. Retry later.";

    private const string FullMessage = "The SlapOS master's database has no space left on its disk; nothing was changed by this request unless it was acknowledged before. Reads still work. Retry later.";

    /// <summary>SQLite's SQLITE_FULL: a write needed a page the file system could not give.</summary>
    private const int SqliteFull = 13;

    /// <summary>PostgreSQL's SQLSTATE disk_full.</summary>
    private const string PostgreSqlDiskFull = "53100";

    /// <summary>Linux errno values of a full file system (ENOSPC) and of an exhausted quota (EDQUOT), as .NET's IOException carries them.</summary>
    private const int Enospc = 28;
    private const int Edquot = 122;

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
        catch (Exception e) when (IsStoreLost(e) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("SlapOS.Master.StoreOutage");
            if (logger is not null)
            {
                MasterLog.StoreUnavailable(logger, context.Request.Path, e);
            }

            await WriteAsync(context, ErrorType, IsStoreFull(e) ? FullMessage : Message, RetryAfterSeconds);
        }
    };

    /// <summary>The error's <c>type</c> in JSON answers when an external master cannot be reached (federation).</summary>
    public const string ExternalMasterErrorType = "external-master-unavailable";

    /// <summary>
    /// Whether <paramref name="exception"/> (or what caused it) says the store cannot be reached now, or cannot write
    /// now for want of space (<see cref="IsStoreFull"/>).
    /// </summary>
    public static bool IsStoreLost(Exception? exception)
    {
        if (IsStoreFull(exception))
        {
            return true;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException or TimeoutException:
                    return true;
                // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6), without a reference to its client library.
                case DbException db when SqliteErrorCode(db) is { } code:
                    return code is 5 or 6;
                // Npgsql and SqlClient say which of their errors are transient: lost connections, no primary,
                // a server shutting down or starting, deadlock victims beyond the store's own retries.
                case DbException { IsTransient: true }:
                    return true;
                // Npgsql with several hosts, when it recently found each one down or not the primary (Host Recheck
                // Seconds) and so tried none: a failover under way, not marked transient (found by ReplicatedFailoverTests).
                case DbException db when db.GetType().Name == "NpgsqlException" && db.InnerException is null
                    && db.Message.StartsWith(NpgsqlNoSuitableHost, StringComparison.Ordinal):
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsStoreLost):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (or what caused it) says the store's disk is full: SQLITE_FULL, PostgreSQL's
    /// disk_full, or a file write refused with ENOSPC or EDQUOT. Space freed, the next write succeeds.
    /// </summary>
    public static bool IsStoreFull(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DbException db when SqliteErrorCode(db) is { } code:
                    return code == SqliteFull;
                case DbException { SqlState: PostgreSqlDiskFull }:
                    return true;
                case IOException io when io.HResult is Enospc or Edquot:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsStoreFull):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// SQLite's primary result code of a <c>SqliteException</c> (its <c>SqliteErrorCode</c>), or <see langword="null"/> for
    /// another exception. Read by name, so that the master needs no reference to SQLite's client library; its
    /// <see cref="System.Runtime.InteropServices.ExternalException.ErrorCode"/> is not the SQLite code (it is E_FAIL).
    /// </summary>
    private static int? SqliteErrorCode(DbException exception) =>
        exception.GetType() is { Name: "SqliteException" } type && type.GetProperty("SqliteErrorCode")?.GetValue(exception) is int code ? code : null;

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
