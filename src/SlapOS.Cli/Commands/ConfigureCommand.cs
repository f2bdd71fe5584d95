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

    public static Command Create()
    {
        var client = new Command("client", "Write the client configuration (master URL, and with --token your certificate)")
        {
            Person, Token, RegisterCommand.CertificateDirectory, RegisterCommand.OnboardingUrl, RegisterCommand.CaSha256,
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

            ClientConfiguration.Save(path, url, files);
            parseResult.InvocationConfiguration.Output.WriteLine($"Wrote {path}");
            return 0;
        });
        return new Command("configure", "Configure this machine") { client };
    }
}
