using Microsoft.Extensions.Options;

namespace SlapOS.Master.BinaryCache;

/// <summary>Checks <see cref="BinaryCacheOptions"/> at start-up so a bad configuration fails early.</summary>
internal sealed class BinaryCacheOptionsValidator : IValidateOptions<BinaryCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, BinaryCacheOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.StorageDirectory) || !Path.IsPathFullyQualified(options.StorageDirectory))
        {
            failures.Add($"{BinaryCacheOptions.SectionName}:StorageDirectory must be an absolute path (got '{options.StorageDirectory}').");
        }

        if (options.MaxUploadBytes <= 0 || options.MaxDirectoryEntryBytes <= 0 || options.MaxEntriesPerKey <= 0)
        {
            failures.Add($"{BinaryCacheOptions.SectionName}:MaxUploadBytes, MaxDirectoryEntryBytes and MaxEntriesPerKey must be positive.");
        }

        if (options.UploadUsers.Any(u => string.IsNullOrEmpty(u.Key) || u.Key.Contains(':', StringComparison.Ordinal) || string.IsNullOrEmpty(u.Value)))
        {
            failures.Add($"{BinaryCacheOptions.SectionName}:UploadUsers needs non-empty user names without ':' and non-empty passwords.");
        }

        if (options.UploadCertificateThumbprints.Any(t => t.Length != 64 || !t.All(Uri.IsHexDigit)))
        {
            failures.Add($"{BinaryCacheOptions.SectionName}:UploadCertificateThumbprints must be SHA-256 thumbprints (64 hex characters).");
        }

        if (!options.AllowAnonymousUpload && options.UploadUsers.Count == 0 && options.UploadCertificateThumbprints.Count == 0)
        {
            failures.Add($"{BinaryCacheOptions.SectionName}: nobody could upload; set UploadUsers or UploadCertificateThumbprints, or AllowAnonymousUpload on a trusted network.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
