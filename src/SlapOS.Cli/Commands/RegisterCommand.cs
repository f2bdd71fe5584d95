using System.CommandLine;
using System.Text.Json.Nodes;
using SlapOS.Cli.Client;

namespace SlapOS.Cli.Commands;

/// <summary>
/// <c>slapos node register --token T --computer-id C --master-url URL --certificate-dir DIR</c>: exchanges a
/// one-time onboarding token for the computer's key (0600) and certificate and the master's CA certificate.
/// </summary>
internal static class RegisterCommand
{
    public static readonly Option<string> Token = new("--token") { Description = "The one-time onboarding token an administrator created", Required = true };
    public static readonly Option<string?> CertificateDirectory = new("--certificate-dir") { Description = "Where to write the key and certificates (default: the current directory)" };
    public static readonly Option<string?> OnboardingUrl = new("--onboarding-url") { Description = "The master's onboarding endpoint (no client certificate), when it is not --master-url" };
    public static readonly Option<string?> CaSha256 = new("--ca-sha256") { Description = "Expected SHA-256 (hex) of the master's CA certificate; without it the CA is trusted on first contact" };
    private static readonly Option<string> ComputerId = new("--computer-id") { Description = "Reference of this computer on the master", Required = true };

    public static Command Create()
    {
        var command = new Command("register", "Obtain this computer's certificate from the master with an onboarding token")
        {
            Token, ComputerId, CertificateDirectory, OnboardingUrl, CaSha256,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var master = MasterUri(parseResult, parseResult.GetValue(GlobalOptions.MasterUrl));
            var computer = parseResult.GetValue(ComputerId)!;
            var credentials = await OnboardingClient.RegisterAsync(
                OnboardingUri(parseResult),
                "slapos.post.v0.compute_node_register",
                new JsonObject { ["computer_guid"] = computer, ["token"] = parseResult.GetValue(Token) },
                parseResult.GetValue(CaSha256),
                cancellationToken);
            var (key, certificate, ca) = OnboardingClient.Write(credentials, parseResult.GetValue(CertificateDirectory) ?? ".", "computer");
            var written = new JsonObject { ["master_url"] = master.ToString(), ["computer_id"] = computer, ["key_file"] = key, ["cert_file"] = certificate, ["master_ca_file"] = ca };
            return Output.Write(parseResult, written, output =>
            {
                output.WriteLine($"Wrote {key}, {certificate} and {ca}. Use them in slapos.cfg:");
                output.WriteLine("[slapos]");
                output.WriteLine($"master_url = {master}");
                output.WriteLine($"computer_id = {computer}");
                output.WriteLine($"key_file = {key}");
                output.WriteLine($"cert_file = {certificate}");
                output.WriteLine($"master_ca_file = {ca}");
            });
        });
        return command;
    }

    /// <summary>Where the token is exchanged: <c>--onboarding-url</c>, else <c>--master-url</c>.</summary>
    public static Uri OnboardingUri(ParseResult parseResult) =>
        MasterUri(parseResult, parseResult.GetValue(OnboardingUrl) ?? parseResult.GetValue(GlobalOptions.MasterUrl));

    public static Uri MasterUri(ParseResult parseResult, string? url)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        if (url is null)
        {
            throw new CliException("pass --master-url https://host:port (and --onboarding-url when the onboarding endpoint is another one)", 2);
        }

        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) || uri.Scheme != "https")
        {
            throw new CliException($"master URL '{url}' is not an https URL: onboarding needs TLS", 2);
        }

        return uri;
    }
}
