using System.Security.Cryptography;
using System.Text;

namespace SlapOS;

/// <summary>
/// A software release: the URL of a buildout profile (<c>software.cfg</c>). A node installs it
/// once into <c>&lt;software_root&gt;/&lt;md5(url)&gt;</c>.
/// </summary>
public sealed record SoftwareRelease
{
    /// <summary>Creates a release after validating its URL.</summary>
    /// <exception cref="SlapValidationException">The URL is not acceptable.</exception>
    public SoftwareRelease(string url)
    {
        Url = SlapReference.ValidateSoftwareReleaseUrl(url);
    }

    /// <summary>The URL of the release's buildout profile.</summary>
    public string Url { get; }

    /// <summary>The name of the release's install directory: the lower-case MD5 hex of the URL, as SlapOS computes it.</summary>
    public string InstallDirectoryName => ComputeInstallDirectoryName(Url);

    /// <summary>The lower-case MD5 hex of <paramref name="url"/>'s UTF-8 bytes.</summary>
    public static string ComputeInstallDirectoryName(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
#pragma warning disable CA5351 // MD5 names directories, as SlapOS does; it protects nothing.
        var hash = MD5.HashData(Encoding.UTF8.GetBytes(url));
#pragma warning restore CA5351
        return Convert.ToHexStringLower(hash);
    }
}
