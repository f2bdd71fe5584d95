using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.BinaryCache;

/// <summary>Checks <see cref="BinaryCacheClientOptions"/> at start-up: a half-configured cache fails early instead of silently building everything.</summary>
internal sealed class BinaryCacheClientOptionsValidator : IValidateOptions<BinaryCacheClientOptions>
{
    private const string S = BinaryCacheClientOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, BinaryCacheClientOptions options)
    {
        var failures = new List<string>();
        foreach (var (option, value) in new[]
                 {
                     ("DownloadBinaryCacheUrl", options.DownloadBinaryCacheUrl), ("DownloadBinaryDirUrl", options.DownloadBinaryDirUrl),
                     ("UploadBinaryCacheUrl", options.UploadBinaryCacheUrl), ("UploadBinaryDirUrl", options.UploadBinaryDirUrl),
                 })
        {
            if (!string.IsNullOrWhiteSpace(value) && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                failures.Add($"{S}:{option} must be an absolute http(s) URL (got '{value}').");
            }
        }

        if (string.IsNullOrWhiteSpace(options.DownloadBinaryCacheUrl) != string.IsNullOrWhiteSpace(options.DownloadBinaryDirUrl))
        {
            failures.Add($"{S}: set both DownloadBinaryCacheUrl and DownloadBinaryDirUrl, or neither.");
        }

        if (string.IsNullOrWhiteSpace(options.UploadBinaryCacheUrl) != string.IsNullOrWhiteSpace(options.UploadBinaryDirUrl))
        {
            failures.Add($"{S}: set both UploadBinaryCacheUrl and UploadBinaryDirUrl, or neither.");
        }

        foreach (var file in options.SignatureCertificateFiles.Append(options.SignaturePrivateKeyFile)
                     .Concat([options.ShacacheCertFile, options.ShacacheKeyFile, options.ShacacheCaFile, options.ShadirCertFile, options.ShadirKeyFile, options.ShadirCaFile]))
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                failures.Add($"{S}: the file '{file}' does not exist.");
            }
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{S}:ConnectTimeout must be positive.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add($"{S}:MaxRetries must be between 0 and 10 (got {options.MaxRetries}).");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{S}:RetryDelay must be positive and at most 5 minutes (got {options.RetryDelay}).");
        }

        if (options.OperatingSystem.Count is not (0 or 3))
        {
            failures.Add($"{S}:OperatingSystem must be empty (detected) or [name, version, codename].");
        }

        if (failures.Count == 0)
        {
            CheckSigning(options, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckSigning(BinaryCacheClientOptions options, List<string> failures)
    {
        try
        {
            using var signing = BinaryCacheSigning.Load(options);
            if (options.CanDownload && signing.Trusted.Count == 0)
            {
                failures.Add($"{S}: downloading needs at least one trusted certificate (SignatureCertificateList or SignatureCertificateFiles); no entry would ever be used.");
            }

            if (options.CanUpload && signing.Key is null)
            {
                failures.Add($"{S}: uploading needs SignaturePrivateKeyFile (entries are signed).");
            }
            else if (options.CanUpload && !signing.KeyIsTrusted())
            {
                // libnetworkcache refuses this too: we would upload releases we can never download.
                failures.Add($"{S}: no trusted certificate matches SignaturePrivateKeyFile; add its certificate to SignatureCertificateList.");
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException)
        {
            failures.Add($"{S}: cannot read the signature key or certificates: {ex.Message}");
        }
    }
}
