using System.CommandLine;
using SlapOS.Cli.Client;
using SlapOS.Cli.Configuration;

namespace SlapOS.Cli.Commands;

/// <summary>Options every command accepts, and what they resolve to.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> MasterUrl = new("--master-url")
    {
        Description = "URL of the SlapOS master (overrides master_url of the configuration file)",
        Recursive = true,
    };

    public static readonly Option<string?> ConfigurationFile = new("--cfg")
    {
        Description = $"Client configuration file (default: ${ClientConfiguration.EnvironmentVariable} or ~/.slapos/slapos-client.cfg)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print results as JSON, for scripts",
        Recursive = true,
    };

    public static MasterApiClient CreateClient(ParseResult parseResult)
    {
        var configuration = ClientConfiguration.Load(parseResult.GetValue(ConfigurationFile));
        var url = ResolveMasterUrl(parseResult, configuration);
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliException($"master URL '{url}' is not an http(s) URL", 2);
        }

        return new MasterApiClient(new HttpClient(CreateHandler(configuration)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>The master the command talks to: <c>--master-url</c>, else <c>master_url</c> of the client configuration.</summary>
    public static string ResolveMasterUrl(ParseResult parseResult, ClientConfiguration configuration) =>
        parseResult.GetValue(MasterUrl) ?? configuration.MasterUrl
            ?? throw new CliException("no master URL", 2, "pass --master-url or run 'slapos configure client --master-url URL'");

    /// <summary>Presents the person's certificate and trusts only the master's CA when the configuration names them.</summary>
    private static HttpClientHandler CreateHandler(ClientConfiguration configuration)
    {
        var handler = new HttpClientHandler();
        if (configuration.CertificateFile is { } certificate && configuration.KeyFile is { } key)
        {
            using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificate, key);
            handler.ClientCertificates.Add(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
                pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null));
        }

        if (configuration.CaFile is { } caFile)
        {
            var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
            handler.ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
            {
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return presented is not null && chain.Build(presented);
            };
        }

        return handler;
    }
}
