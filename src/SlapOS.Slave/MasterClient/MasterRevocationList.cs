using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace SlapOS.Slave;

/// <summary>
/// The CRL a node checks its master's TLS certificate against: fetched from the master (<c>/ca/crl</c>) or read from a
/// file, verified against the configured CA, refreshed every <see cref="SlapMasterClientOptions.RevocationRefreshInterval"/>.
/// Fails closed: without a verified list that is still current (before its nextUpdate) no master certificate is
/// accepted. A list fetched from a master cannot be forged (the CA signs it); an impostor holding a stolen master key
/// can at most replay an older list, and only until that list's nextUpdate.
/// </summary>
internal sealed partial class MasterRevocationList : IDisposable
{
    /// <summary>Largest CRL read (a CRL of a million serials is about 40 MB).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    private readonly Func<CancellationToken, Task<byte[]>>? _read;
    private readonly string _source;
    private readonly X509Certificate2Collection _trusted;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile CertificateRevocationList? _current;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private string? _failure;

    private MasterRevocationList(Func<CancellationToken, Task<byte[]>>? read, string source, X509Certificate2Collection trusted, TimeSpan refreshInterval, TimeProvider time, ILogger logger)
    {
        _read = read;
        _source = source;
        _trusted = trusted;
        _refreshInterval = refreshInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether a list is checked at all (<see cref="MasterRevocationCheck.Off"/> checks none).</summary>
    public bool IsEnabled => _read is not null;

    /// <summary>The list in force, if any.</summary>
    public CertificateRevocationList? Current => _current;

    /// <summary>No check: every master certificate that chains to the CA is accepted.</summary>
    public static MasterRevocationList Off(ILogger logger) => new(null, "off", [], TimeSpan.MaxValue, TimeProvider.System, logger);

    /// <summary>The list in <paramref name="file"/> (DER or PEM), signed by one of <paramref name="trusted"/>.</summary>
    public static MasterRevocationList FromFile(string file, X509Certificate2Collection trusted, TimeSpan refreshInterval, TimeProvider time, ILogger logger) =>
        new(cancellationToken => File.ReadAllBytesAsync(file, cancellationToken), file, trusted, refreshInterval, time, logger);

    /// <summary>The list the master publishes, fetched by <paramref name="fetch"/> (a GET of <c>/ca/crl</c>).</summary>
    public static MasterRevocationList FromMaster(Uri crlUrl, Func<CancellationToken, Task<byte[]>> fetch, X509Certificate2Collection trusted, TimeSpan refreshInterval, TimeProvider time, ILogger logger) =>
        new(fetch, crlUrl.ToString(), trusted, refreshInterval, time, logger);

    /// <summary>
    /// The list <paramref name="options"/> choose for a client of the master at <paramref name="masterUrl"/>
    /// (<paramref name="json"/>: the JSON API client, whose master is ours and publishes <c>/ca/crl</c>). The node's
    /// master client and a master's client of an external master (federation) both take their list here.
    /// </summary>
    public static MasterRevocationList For(SlapMasterClientOptions options, string masterUrl, bool json, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var check = MasterRevocationCheckRules.Resolve(options.RevocationCheck, json, options.CaCertificateFile);
        if (check == MasterRevocationCheck.Off)
        {
            return Off(logger);
        }

        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(options.CaCertificateFile!);
        if (check == MasterRevocationCheck.File)
        {
            return FromFile(options.RevocationListFile!, trusted, options.RevocationRefreshInterval, time, logger);
        }

        var crl = new Uri(new Uri(masterUrl.EndsWith('/') ? masterUrl : masterUrl + "/"), "ca/crl");
        return FromMaster(crl, FetchAsync, trusted, options.RevocationRefreshInterval, time, logger);

        // A client of its own, checking the chain only: the list is trusted for its signature, not for the channel.
        async Task<byte[]> FetchAsync(CancellationToken cancellationToken)
        {
            using var handler = MasterClientHandler.Create(options.CertificateFile, options.KeyFile, options.CaCertificateFile);
            using var http = new HttpClient(handler) { Timeout = options.AttemptTimeout };
            using var response = await http.GetAsync(crl, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(FormattableString.Invariant($"{crl} answered {(int)response.StatusCode}"));
            }

            await using var body = await MasterHttp.OpenAsync(response, MaxBytes, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }

    /// <summary>Reads the list again when it is older than the refresh interval or past its nextUpdate; never throws.</summary>
    public async Task RefreshIfDueAsync(CancellationToken cancellationToken)
    {
        if (_read is null || !IsDue())
        {
            return;
        }

        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsDue())
            {
                return;
            }

            _readAt = _time.GetUtcNow();
            var read = CertificateRevocationList.Read(await _read(cancellationToken).ConfigureAwait(false), _trusted);
            if (_current is { } known && read.ThisUpdate < known.ThisUpdate)
            {
                // An older list than the one in force: a replay, or a master behind the others. Keep the newer.
                throw new InvalidDataException($"it is older ({read.ThisUpdate:u}) than the list in force ({known.ThisUpdate:u})");
            }

            _current = read;
            _failure = null;
            LogRead(_logger, _source, read.Count, read.ThisUpdate, read.NextUpdate);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or HttpRequestException or MasterUnreachableException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _failure = ex.Message;
            LogUnreadable(_logger, _source, ex.Message);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Why no master certificate can be accepted now (no current list), or <see langword="null"/>.</summary>
    public string? Unusable()
    {
        if (_read is null)
        {
            return null;
        }

        if (_current is not { } list)
        {
            return $"no verified CRL from {_source} to check the master's certificate against ({_failure ?? "not read yet"})";
        }

        return list.NextUpdate is { } next && next <= _time.GetUtcNow()
            ? $"the CRL from {_source} is stale (its next update was due at {next:u}; {_failure ?? "no newer one read"})"
            : null;
    }

    /// <summary>Whether the master's <paramref name="certificate"/> may be trusted as far as revocation goes (chain checked elsewhere).</summary>
    public bool Accepts(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_read is null)
        {
            return true;
        }

        if (Unusable() is { } reason)
        {
            LogRefused(_logger, certificate.GetSerialNumberString(), reason);
            return false;
        }

        if (_current!.Revokes(certificate))
        {
            LogRefused(_logger, certificate.GetSerialNumberString(), $"the CRL from {_source} (signed {_current.ThisUpdate:u}) revokes it");
            return false;
        }

        return true;
    }

    public void Dispose() => _refreshing.Dispose();

    private bool IsDue()
    {
        var now = _time.GetUtcNow();
        return _current is not { } list
            || now - _readAt >= _refreshInterval
            || (list.NextUpdate is { } next && next <= now && now - _readAt >= TimeSpan.FromSeconds(1));
    }

    [LoggerMessage(EventId = 3110, Level = LogLevel.Debug, Message = "Read the CRL from {Source}: {Count} revoked certificates, signed {ThisUpdate}, next update {NextUpdate}")]
    private static partial void LogRead(ILogger logger, string source, int count, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "The CRL from {Source} was not taken: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Error, Message = "Refused the master's TLS certificate {SerialNumber}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string serialNumber, string reason);
}
