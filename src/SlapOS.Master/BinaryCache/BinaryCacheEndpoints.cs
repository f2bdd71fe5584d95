using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.BinaryCache;

/// <summary>
/// shacache and shadir over HTTP, as slapos.libnetworkcache calls them:
/// <c>GET shacache/&lt;sha512&gt;</c>, <c>POST shacache</c> (answers 201 and the hex SHA-512), <c>PUT shacache/&lt;sha512&gt;</c>,
/// <c>GET shadir/&lt;key&gt;</c> (a JSON list of <c>[entry, signature]</c>), <c>PUT shadir/&lt;key&gt;</c> (one pair, 201).
/// Bad input answers 400 with a plain-text reason, as the Python caches do.
/// </summary>
internal static class BinaryCacheEndpoints
{
    private const int MaxKeyLength = 512;

    public static void Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix);
        group.MapMethods("/shacache/{sha512}", [HttpMethods.Get, HttpMethods.Head], GetContent);
        group.MapPost("/shacache", PostContent);
        group.MapPut("/shacache/{sha512}", PutContent);
        group.MapGet("/shadir/{key}", GetEntries);
        group.MapPut("/shadir/{key}", PutEntry);
    }

    private static IResult GetContent(string sha512, HttpContext context)
    {
        if (!ShacacheDigest.IsValid(sha512))
        {
            return BadRequest("The path must be a lower-case hex SHA-512 (128 characters).");
        }

        var storage = context.RequestServices.GetRequiredService<BinaryCacheStorage>();
        var path = storage.ContentPath(sha512);
        // Range requests: libnetworkcache resumes an interrupted download with "Range: bytes=N-".
        return File.Exists(path) ? TypedResults.PhysicalFile(path, "application/octet-stream", enableRangeProcessing: true) : Results.NotFound();
    }

    private static Task<IResult> PostContent(HttpContext context, CancellationToken cancellationToken) => StoreAsync(context, expected: null, cancellationToken);

    private static Task<IResult> PutContent(string sha512, HttpContext context, CancellationToken cancellationToken) =>
        ShacacheDigest.IsValid(sha512)
            ? StoreAsync(context, sha512, cancellationToken)
            : Task.FromResult(BadRequest("The path must be a lower-case hex SHA-512 (128 characters)."));

    private static async Task<IResult> StoreAsync(HttpContext context, string? expected, CancellationToken cancellationToken)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<BinaryCacheOptions>>().Value;
        var logger = Logger(context);
        if (!BinaryCacheUploadAuthorization.IsAllowed(context, options))
        {
            BinaryCacheLog.UploadRefused(logger, "no allowed credentials");
            return BinaryCacheUploadAuthorization.Challenge(context);
        }

        if (context.Request.ContentLength > options.MaxUploadBytes)
        {
            return Results.Text($"The upload exceeds {options.MaxUploadBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        // The cache has its own limit (a release archive is far over Kestrel's default 30 MB).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxUploadBytes;
        }

        try
        {
            var storage = context.RequestServices.GetRequiredService<BinaryCacheStorage>();
            var (sha512, bytes) = await storage.StoreContentAsync(context.Request.Body, expected, cancellationToken).ConfigureAwait(false);
            BinaryCacheLog.ContentStored(logger, sha512, bytes);
            return Results.Text(sha512, "text/plain", statusCode: StatusCodes.Status201Created);
        }
        catch (BinaryCacheUploadException ex)
        {
            BinaryCacheLog.UploadRefused(logger, ex.Message);
            return Results.Text(ex.Message, statusCode: ex.StatusCode);
        }
    }

    private static async Task<IResult> GetEntries(string key, HttpContext context, CancellationToken cancellationToken)
    {
        if (KeyProblem(key) is { } problem)
        {
            return BadRequest(problem);
        }

        var storage = context.RequestServices.GetRequiredService<BinaryCacheStorage>();
        var entries = await storage.ReadEntriesAsync(key, cancellationToken).ConfigureAwait(false);
        return entries is null ? Results.NotFound() : Results.Bytes(entries, "application/json");
    }

    private static async Task<IResult> PutEntry(string key, HttpContext context, CancellationToken cancellationToken)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<BinaryCacheOptions>>().Value;
        var logger = Logger(context);
        if (KeyProblem(key) is { } problem)
        {
            return BadRequest(problem);
        }

        if (!BinaryCacheUploadAuthorization.IsAllowed(context, options))
        {
            BinaryCacheLog.UploadRefused(logger, "no allowed credentials");
            return BinaryCacheUploadAuthorization.Challenge(context);
        }

        var body = await ReadBoundedAsync(context.Request.Body, options.MaxDirectoryEntryBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Results.Text($"A directory entry is limited to {options.MaxDirectoryEntryBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        ShadirEntry entry;
        string sha512;
        try
        {
            entry = ShadirEntry.Parse(body);
            sha512 = entry.ReadSha512();
        }
        catch (FormatException ex)
        {
            BinaryCacheLog.UploadRefused(logger, ex.Message);
            return BadRequest(ex.Message);
        }

        var storage = context.RequestServices.GetRequiredService<BinaryCacheStorage>();
        if (!storage.HasContent(sha512))
        {
            // An entry naming content this cache does not hold could only ever fail to download.
            BinaryCacheLog.UploadRefused(logger, $"unknown content {sha512}");
            return BadRequest($"The content {sha512} is not in this cache; upload it to shacache first.");
        }

        await storage.AddEntryAsync(key, entry, cancellationToken).ConfigureAwait(false);
        BinaryCacheLog.EntryStored(logger, key, sha512);
        return Results.Text(string.Empty, statusCode: StatusCodes.Status201Created);
    }

    private static string? KeyProblem(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength)
        {
            return $"A key must have 1 to {MaxKeyLength} characters.";
        }

        return key.Any(char.IsControl) ? "A key must not contain control characters." : null;
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult BadRequest(string message) => Results.Text(message, "text/plain", statusCode: StatusCodes.Status400BadRequest);

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SlapOS.Master.BinaryCache");
}
