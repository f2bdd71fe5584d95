using System.CommandLine;
using System.Text.Json.Nodes;
using SlapOS.Cli.Client;
using SlapOS.Cli.Configuration;

namespace SlapOS.Cli.Commands;

/// <summary>
/// <c>slapos configure client</c>: writes the client configuration file; with <c>--token</c> it first
/// exchanges a one-time onboarding token for the person's client certificate.
/// </summary>
internal static class ConfigureCommand
{
    private static readonly Option<string?> Person = new("--person") { Description = "Your reference on the master (with --token)" };
    private static readonly Option<string?> Token = new("--token") { Description = "A one-time onboarding token an administrator created for you" };
    private static readonly Option<string?> KeyFile = new("--key-file") { Description = "Your existing private key (with --cert-file and --master-ca-file), e.g. from the master's 'admin issue'" };
    private static readonly Option<string?> CertificateFile = new("--cert-file") { Description = "Your existing client certificate" };
    private static readonly Option<string?> CaFile = new("--master-ca-file") { Description = "The master's CA certificate" };

    public static Command Create()
    {
        var client = new Command("client", "Write the client configuration (master URL, and your certificate: obtained with --token, or existing files)")
        {
            Person, Token, RegisterCommand.CertificateDirectory, RegisterCommand.OnboardingUrl, RegisterCommand.CaSha256, KeyFile, CertificateFile, CaFile,
        };
        client.SetAction(async (parseResult, cancellationToken) =>
        {
            var url = parseResult.GetValue(GlobalOptions.MasterUrl)
                ?? throw new CliException("pass --master-url URL", 2);
            var path = parseResult.GetValue(GlobalOptions.ConfigurationFile) ?? ClientConfiguration.DefaultPath;
            (string Key, string Certificate, string Ca)? files = null;
            if (parseResult.GetValue(Token) is { } token)
            {
                var person = parseResult.GetValue(Person) ?? throw new CliException("pass --person REFERENCE with --token", 2);
                var credentials = await OnboardingClient.RegisterAsync(
                    RegisterCommand.OnboardingUri(parseResult),
                    "slapos.post.v0.person_register",
                    new JsonObject { ["person_reference"] = person, ["token"] = token },
                    parseResult.GetValue(RegisterCommand.CaSha256),
                    cancellationToken);
                var directory = parseResult.GetValue(RegisterCommand.CertificateDirectory)
                    ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
                files = OnboardingClient.Write(credentials, directory, "client");
            }

            else if (ExistingFiles(parseResult) is { } existing)
            {
                files = existing;
            }

            ClientConfiguration.Save(path, url, files);
            var written = new JsonObject { ["configuration_file"] = path, ["master_url"] = url, ["key_file"] = files?.Key, ["cert_file"] = files?.Certificate, ["master_ca_file"] = files?.Ca };
            return Output.Write(parseResult, written, output => output.WriteLine($"Wrote {path}"));
        });
        return new Command("configure", "Configure this machine") { client };
    }

    /// <summary>The key, certificate and CA files named on the command line: all three or none, each existing and the key matching the certificate.</summary>
    private static (string Key, string Certificate, string Ca)? ExistingFiles(ParseResult parseResult)
    {
        string?[] given = [parseResult.GetValue(KeyFile), parseResult.GetValue(CertificateFile), parseResult.GetValue(CaFile)];
        if (given.All(g => g is null))
        {
            return null;
        }

        if (given.Any(g => g is null))
        {
            throw new CliException("pass --key-file, --cert-file and --master-ca-file together", 2);
        }

        var paths = given.Select(g => Path.GetFullPath(g!)).ToArray();
        if (paths.FirstOrDefault(p => !File.Exists(p)) is { } missing)
        {
            throw new CliException($"'{missing}' does not exist", 2);
        }

        try
        {
            using var pair = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(paths[1], paths[0]);
            using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(paths[2]));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new CliException($"{paths[1]} with {paths[0]} and {paths[2]} are not a certificate, its key and a CA certificate: {e.Message}", 2);
        }

        return (paths[0], paths[1], paths[2]);
    }
}
