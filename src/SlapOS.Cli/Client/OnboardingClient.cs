using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Client;

/// <summary>
/// Exchanges an onboarding token for a key and certificate. Trust on first contact: the master's CA
/// certificate is fetched first and the master's TLS certificate must chain to it (and the CA must
/// match <c>--ca-sha256</c> when given) before the token is sent, over a connection verified against that CA.
/// </summary>
internal static class OnboardingClient
{
    public sealed record Credentials(string KeyPem, string CertificatePem, string CaCertificatePem);

    public static async Task<Credentials> RegisterAsync(Uri master, string endpoint, JsonObject body, string? caSha256, CancellationToken cancellationToken)
    {
        var caPem = await FetchCaAsync(master, cancellationToken);
        using var ca = X509Certificate2.CreateFromPem(caPem);
        if (caSha256 is not null && !string.Equals(Normalize(caSha256), Convert.ToHexString(SHA256.HashData(ca.RawData)), StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"the master's CA certificate has SHA-256 {Convert.ToHexString(SHA256.HashData(ca.RawData))}, not the pinned {caSha256}: token not sent");
        }

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => ChainsTo(certificate, ca) };
        using var client = new MasterApiClient(new HttpClient(handler, disposeHandler: false) { BaseAddress = master, Timeout = TimeSpan.FromSeconds(60) });
        var answer = await client.CallAsync(endpoint, body, cancellationToken);
        var returnedCa = answer["ca_certificate"]?.GetValue<string>() ?? string.Empty;
        using (var returned = X509Certificate2.CreateFromPem(returnedCa))
        {
            if (!returned.RawData.AsSpan().SequenceEqual(ca.RawData))
            {
                throw new CliException("the master answered with another CA certificate than the one it presented");
            }
        }

        return new Credentials(
            answer["key"]?.GetValue<string>() ?? throw new CliException("the master's answer has no key"),
            answer["certificate"]?.GetValue<string>() ?? throw new CliException("the master's answer has no certificate"),
            returnedCa);
    }

    /// <summary>Writes the key (0600), certificate and CA certificate (0644) into <paramref name="directory"/>, each file whole.</summary>
    public static (string Key, string Certificate, string Ca) Write(Credentials credentials, string directory, string name)
    {
        var files = CredentialFiles.Write(directory, name, credentials.KeyPem, credentials.CertificatePem, credentials.CaCertificatePem);
        return (files.KeyFile, files.CertificateFile, files.CaFile);
    }

    private static async Task<string> FetchCaAsync(Uri master, CancellationToken cancellationToken)
    {
        X509Certificate2? presented = null;
        using var handler = new HttpClientHandler
        {
            // First contact: accept the certificate only to read it; it is checked against the CA just below.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.RawData);
                return certificate is not null;
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = master, Timeout = TimeSpan.FromSeconds(60) };
        string pem;
        try
        {
            using var response = await http.GetAsync("slapos.get.v0.ca_certificate", cancellationToken);
            pem = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"the master has no CA certificate to offer ({(int)response.StatusCode}): {pem}");
            }
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the master's onboarding endpoint at {master}: {e.Message}", 3);
        }

        using var ca = X509Certificate2.CreateFromPem(pem);
        using (presented)
        {
            if (!ChainsTo(presented, ca))
            {
                throw new CliException("the master's TLS certificate does not chain to the CA certificate it offers: token not sent");
            }
        }

        return pem;
    }

    private static bool ChainsTo(X509Certificate2? certificate, X509Certificate2 ca)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static string Normalize(string fingerprint) => fingerprint.Replace(":", string.Empty, StringComparison.Ordinal).Trim();
}
