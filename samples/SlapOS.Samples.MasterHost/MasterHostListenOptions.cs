using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SlapOS.Samples.MasterHost;

/// <summary>
/// Where the sample master listens in mutual TLS mode (<c>MasterHost:*</c>): the API, which requires a client
/// certificate, and the onboarding listener beside it, which asks for none (token exchange and CA certificate only).
/// </summary>
internal sealed class MasterHostListenOptions
{
    public const string SectionName = "MasterHost";

    /// <summary>The address both listeners bind (default: every IPv4 address).</summary>
    [Required]
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>The API's port (JSON, XML, HATEOAS, portal): a client certificate from the master's CA is required.</summary>
    [Range(1, 65535)]
    public int ApiPort { get; set; } = 5443;

    /// <summary>The onboarding port: no client certificate.</summary>
    [Range(1, 65535)]
    public int OnboardingPort { get; set; } = 5444;

    /// <summary>The problems with these options, one line; null when they are valid.</summary>
    public string? Problem()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        if (!IPAddress.TryParse(Address, out _))
        {
            results.Add(new ValidationResult($"MasterHost:Address '{Address}' is not an IP address"));
        }

        if (ApiPort == OnboardingPort)
        {
            results.Add(new ValidationResult("MasterHost:ApiPort and MasterHost:OnboardingPort must differ"));
        }

        return results.Count == 0 ? null : string.Join("; ", results.Select(r => r.ErrorMessage));
    }

    public string Url(int port) => $"https://{(Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]" : Address)}:{port}";
}
