using Microsoft.Extensions.Options;

namespace SlapOS.Master.Federation;

/// <summary>
/// Checks <see cref="FederationOptions"/> at start-up: a master without a usable URL or identity is a start-up
/// error, not a surprise at the first forwarded request (slapproxy refuses an https master without key and certificate).
/// </summary>
internal sealed class FederationOptionsValidator(IServiceProvider services) : IValidateOptions<FederationOptions>
{
    public ValidateOptionsResult Validate(string? name, FederationOptions options)
    {
        var failures = new List<string>();
        var urls = new HashSet<string>(StringComparer.Ordinal);
        var releases = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.Masters.Count > 0 && services.GetService(typeof(IExternalMasterClientFactory)) is null)
        {
            failures.Add($"{FederationOptions.SectionName}:Masters is set but no client of external masters is registered: call UseJsonExternalMasters() (SlapOS.Slave) on the master builder.");
        }

        if (options.RefreshInterval < TimeSpan.Zero)
        {
            failures.Add($"{FederationOptions.SectionName}:RefreshInterval must not be negative (zero turns the refresh off).");
        }

        if (options.RetryAfter < TimeSpan.FromSeconds(1) || options.RetryAfter > TimeSpan.FromHours(1))
        {
            failures.Add($"{FederationOptions.SectionName}:RetryAfter must be between 1 second and 1 hour.");
        }

        foreach (var (key, master) in options.Masters)
        {
            var section = $"{FederationOptions.SectionName}:Masters:{key}";
            if (!Uri.TryCreate(master.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{section}:Url must be an absolute http or https URL (got '{master.Url}').");
                continue;
            }

            if (!urls.Add(ExternalMasterUrl.Normalize(master.Url)))
            {
                failures.Add($"{section}:Url '{master.Url}' is configured twice.");
            }

            var hasCertificate = !string.IsNullOrEmpty(master.CertificateFile);
            var hasKey = !string.IsNullOrEmpty(master.KeyFile);
            if (url.Scheme == Uri.UriSchemeHttps && (!hasCertificate || !hasKey))
            {
                failures.Add($"{section}: the https master '{master.Url}' needs CertificateFile and KeyFile (this master's identity there).");
            }
            else if (url.Scheme == Uri.UriSchemeHttp && (hasCertificate || hasKey || !string.IsNullOrEmpty(master.CaCertificateFile)))
            {
                failures.Add($"{section}: CertificateFile, KeyFile and CaCertificateFile need an https Url (got '{master.Url}').");
            }

            foreach (var (field, path) in new[] { ("CertificateFile", master.CertificateFile), ("KeyFile", master.KeyFile), ("CaCertificateFile", master.CaCertificateFile) })
            {
                if (!string.IsNullOrEmpty(path) && !File.Exists(path))
                {
                    failures.Add($"{section}:{field} '{path}' does not exist.");
                }
            }

            if (master.AttemptTimeout < TimeSpan.FromSeconds(1) || master.AttemptTimeout > TimeSpan.FromMinutes(10) || master.MaxRetries is < 0 or > 10)
            {
                failures.Add($"{section}: AttemptTimeout must be between 1 second and 10 minutes and MaxRetries between 0 and 10.");
            }

            if (MasterRevocationCheckRules.Problem(master.RevocationCheck, master.CaCertificateFile, master.RevocationListFile) is { } revocation)
            {
                failures.Add($"{section}: {revocation}.");
            }

            if (master.RevocationRefreshInterval < TimeSpan.FromSeconds(1) || master.RevocationRefreshInterval > TimeSpan.FromDays(1))
            {
                failures.Add($"{section}:RevocationRefreshInterval must be between 1 second and 1 day.");
            }

            if (master.Api is not (ExternalMasterConnection.JsonApi or ExternalMasterConnection.XmlApi))
            {
                failures.Add($"{section}:Api must be '{ExternalMasterConnection.JsonApi}' or '{ExternalMasterConnection.XmlApi}' (got '{master.Api}').");
            }

            foreach (var release in master.SoftwareReleases)
            {
                try
                {
                    SlapReference.ValidateSoftwareReleaseUrl(release, $"{section}:SoftwareReleases");
                }
                catch (SlapValidationException e)
                {
                    failures.Add(e.Message);
                    continue;
                }

                if (releases.TryGetValue(release, out var other) && other != key)
                {
                    failures.Add($"{section}:SoftwareReleases: '{release}' is also listed for master '{other}'.");
                }

                releases[release] = key;
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
