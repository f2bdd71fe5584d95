using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlapOS.Master;

namespace SlapOS.Cli.Tests;

/// <summary>
/// <c>slapos node register</c> and <c>slapos configure client --token</c> against a real master in mutual
/// TLS mode with an onboarding listener on loopback.
/// </summary>
public sealed class OnboardingCommandTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-cli-onboarding-").FullName;
    private WebApplication app = null!;
    private string onboardingUrl = string.Empty;
    private string mtlsUrl = string.Empty;

    private string CaFile => Path.Combine(directory, "ca", "ca.crt");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.UseSlapOSMutualTls();
            k.ListenSlapOSOnboarding(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps());
        });
        builder.Configuration["SlapOS:Master:Security:Mode"] = "MutualTls";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")).UseBouncyCastleIdentity(o => o.Directory = Path.Combine(directory, "ca")));
        app = builder.Build();
        app.MapSlapOSMaster();
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        onboardingUrl = addresses[0];
        mtlsUrl = addresses[1];
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SlapCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Node_register_writes_the_key_0600_and_prints_the_configuration()
    {
        await app.Services.GetRequiredService<ISlapMaster>().RegisterComputerAsync(new Computer { Reference = "COMP-REG" }, default);
        var token = await CreateTokenAsync("/slapos.post.v0.compute_node_token", new { computer_guid = "COMP-REG" });
        var target = Path.Combine(directory, "node-certs");
        var pin = Convert.ToHexString(SHA256.HashData(X509Certificate2.CreateFromPem(File.ReadAllText(CaFile)).RawData));

        var (code, output, error) = await RunAsync("node", "register", "--token", token, "--computer-id", "COMP-REG", "--master-url", onboardingUrl, "--certificate-dir", target, "--ca-sha256", pin);

        Assert.True(code == 0, error);
        var key = Path.Combine(target, "computer.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(target, "computer.crt")), File.ReadAllText(key));
        Assert.Contains("CN=COMP-REG", certificate.Subject, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(CaFile), File.ReadAllText(Path.Combine(target, "ca.crt")));
        Assert.Contains($"key_file = {key}", output, StringComparison.Ordinal);
        Assert.Contains("master_ca_file = ", output, StringComparison.Ordinal);

        // The token was used.
        var again = await RunAsync("node", "register", "--token", token, "--computer-id", "COMP-REG", "--master-url", onboardingUrl, "--certificate-dir", Path.Combine(directory, "again"));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already used", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_pin_stops_before_the_token_is_sent()
    {
        await app.Services.GetRequiredService<ISlapMaster>().RegisterComputerAsync(new Computer { Reference = "COMP-PIN" }, default);
        var token = await CreateTokenAsync("/slapos.post.v0.compute_node_token", new { computer_guid = "COMP-PIN" });
        var target = Path.Combine(directory, "pinned");

        var (code, _, error) = await RunAsync("node", "register", "--token", token, "--computer-id", "COMP-PIN", "--master-url", onboardingUrl, "--certificate-dir", target, "--ca-sha256", new string('0', 64));

        Assert.Equal(1, code);
        Assert.Contains("token not sent", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));

        // The token is still good: it never left this process.
        Assert.Equal(0, (await RunAsync("node", "register", "--token", token, "--computer-id", "COMP-PIN", "--master-url", onboardingUrl, "--certificate-dir", target)).ExitCode);
    }

    [Fact]
    public async Task Configure_client_with_a_token_writes_the_person_certificate_and_the_configuration()
    {
        var token = await CreateTokenAsync("/slapos.post.v0.person_token", new { person_reference = "carol" });
        var configuration = Path.Combine(directory, "client", "slapos-client.cfg");

        var (code, _, error) = await RunAsync("configure", "client", "--person", "carol", "--token", token, "--master-url", mtlsUrl, "--onboarding-url", onboardingUrl, "--cfg", configuration);

        Assert.True(code == 0, error);
        var text = File.ReadAllText(configuration);
        var key = Path.Combine(directory, "client", "client.key");
        Assert.Contains($"key_file = {key}", text, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, "client", "client.crt")));
        Assert.Contains("OU=person", certificate.Subject, StringComparison.Ordinal);
        Assert.Contains($"master_url = {mtlsUrl}", text, StringComparison.Ordinal);

        // The client now calls the API over mutual TLS as carol: her (empty) list of instance trees.
        var list = await RunAsync("service", "list", "--cfg", configuration);
        Assert.True(list.ExitCode == 0, list.Error);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_api_listener_is_out_of_reach()
    {
        var configuration = Path.Combine(directory, "plain", "slapos-client.cfg");
        Directory.CreateDirectory(Path.GetDirectoryName(configuration)!);
        await File.WriteAllTextAsync(configuration, $"[slapos]\nmaster_url = {mtlsUrl}\nmaster_ca_file = {CaFile}\n");

        var list = await RunAsync("service", "list", "--cfg", configuration);

        Assert.NotEqual(0, list.ExitCode);
    }

    /// <summary>Creates a token as an administrator does: over mutual TLS with an admin certificate.</summary>
    private async Task<string> CreateTokenAsync(string path, object body)
    {
        var admin = await app.Services.GetRequiredService<ICertificateAuthority>().IssueAsync(new SlapIdentity(IdentityKind.Person, "root", IsAdmin: true), default);
        using var pem = X509Certificate2.CreateFromPem(admin.CertificatePem, admin.PrivateKeyPem);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(CaFile));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return presented is not null && chain.Build(presented);
            },
        };
        handler.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
        using var http = new HttpClient(handler) { BaseAddress = new Uri(mtlsUrl) };
        using var response = await http.PostAsync(path, System.Net.Http.Json.JsonContent.Create(body));
        response.EnsureSuccessStatusCode();
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("token").GetString()!;
    }
}
