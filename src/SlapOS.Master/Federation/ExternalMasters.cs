using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Federation;

/// <summary>
/// The configured external masters: found by URL or by release, each with its client (made once by the
/// <see cref="IExternalMasterClientFactory"/>) and its health as this master last saw it.
/// </summary>
internal sealed class ExternalMasters(IOptions<FederationOptions> options, IServiceProvider services, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, ISlapMasterClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExternalMasterHealth> _health = new(StringComparer.Ordinal);

    /// <summary>Whether any external master is configured (when none, federation costs nothing).</summary>
    public bool Any => options.Value.Masters.Count > 0;

    /// <summary>What <c>Retry-After</c> says when one cannot be reached.</summary>
    public TimeSpan RetryAfter => options.Value.RetryAfter;

    /// <summary>The configured master with this URL (a trailing slash aside), or <see langword="null"/>.</summary>
    public ExternalMasterOptions? Find(string url)
    {
        var wanted = ExternalMasterUrl.Normalize(url);
        return options.Value.Masters.Values.FirstOrDefault(m => ExternalMasterUrl.Normalize(m.Url) == wanted);
    }

    /// <summary>Whether <paramref name="url"/> is one of this master's own URLs (<see cref="FederationOptions.LocalUrls"/>).</summary>
    public bool IsLocal(string url)
    {
        var wanted = ExternalMasterUrl.Normalize(url);
        return options.Value.LocalUrls.Any(u => ExternalMasterUrl.Normalize(u) == wanted);
    }

    /// <summary>The master whose <see cref="ExternalMasterOptions.SoftwareReleases"/> lists <paramref name="softwareReleaseUrl"/>, or <see langword="null"/>.</summary>
    public ExternalMasterOptions? ForRelease(string softwareReleaseUrl) =>
        options.Value.Masters.Values.FirstOrDefault(m => m.SoftwareReleases.Contains(softwareReleaseUrl, StringComparer.Ordinal));

    /// <summary>The client of the master with this URL.</summary>
    /// <exception cref="SlapException">The master is no longer configured (kind <see cref="SlapErrorKind.Conflict"/>).</exception>
    public ISlapMasterClient ClientFor(string url)
    {
        var master = Find(url) ?? throw new SlapException(SlapErrorKind.Conflict,
            $"the external master '{url}' is not configured any more ({FederationOptions.SectionName}:Masters); its instances cannot be reached");
        return _clients.GetOrAdd(ExternalMasterUrl.Normalize(master.Url), _ => services.GetRequiredService<IExternalMasterClientFactory>().Create(new ExternalMasterConnection(
            new Uri(master.Url),
            master.CertificateFile,
            master.KeyFile,
            master.CaCertificateFile,
            master.AttemptTimeout,
            master.MaxRetries,
            master.Api)
        {
            RevocationCheck = master.RevocationCheck,
            RevocationListFile = master.RevocationListFile,
            RevocationRefreshInterval = master.RevocationRefreshInterval,
        }));
    }

    /// <summary>The health of every configured master, by name.</summary>
    public IReadOnlyList<ExternalMasterHealth> Health() =>
        [.. options.Value.Masters.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m =>
            _health.TryGetValue(ExternalMasterUrl.Normalize(m.Value.Url), out var seen) ? seen with { Name = m.Key } : new ExternalMasterHealth(m.Key, m.Value.Url, null, null, null))];

    /// <summary>The master answered.</summary>
    public void Answered(string url) =>
        _health.AddOrUpdate(ExternalMasterUrl.Normalize(url),
            key => new ExternalMasterHealth(key, url, timeProvider.GetUtcNow(), null, null),
            (_, seen) => seen with { LastAnswer = timeProvider.GetUtcNow(), LastError = null });

    /// <summary>The master could not be reached.</summary>
    public void Failed(string url, string error) =>
        _health.AddOrUpdate(ExternalMasterUrl.Normalize(url),
            key => new ExternalMasterHealth(key, url, null, timeProvider.GetUtcNow(), error),
            (_, seen) => seen with { LastFailure = timeProvider.GetUtcNow(), LastError = error });
}
