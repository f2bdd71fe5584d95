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

    [Fact]
    public async Task Certificate_list_and_revoke_and_computer_revoke_as_an_administrator()
    {
        await app.Services.GetRequiredService<ISlapMaster>().RegisterComputerAsync(new Computer { Reference = "COMP-REV" }, default);
        var authority = app.Services.GetRequiredService<ICertificateAuthority>();
        var first = CertificateSerialNumber.Normalize((await authority.IssueAsync(new SlapIdentity(IdentityKind.Computer, "COMP-REV"), default)).SerialNumber);
        var second = CertificateSerialNumber.Normalize((await authority.IssueAsync(new SlapIdentity(IdentityKind.Computer, "COMP-REV"), default)).SerialNumber);
        var cfg = await AdminConfigurationAsync();

        var list = await RunAsync("certificate", "list", "computer", "COMP-REV", "--cfg", cfg);
        Assert.True(list.ExitCode == 0, list.Error);
        Assert.Contains("Certificates of computer 'COMP-REV': 2", list.Output, StringComparison.Ordinal);
        Assert.Contains($"{first}  valid", list.Output, StringComparison.Ordinal);

        // One certificate by serial number.
        var one = await RunAsync("certificate", "revoke", first, "--reason", "key_compromise", "--cfg", cfg);
        Assert.True(one.ExitCode == 0, one.Error);
        Assert.Contains($"Revoked certificate {first}", one.Output, StringComparison.Ordinal);
        var store = app.Services.GetRequiredService<IIdentityStore>();
        Assert.Equal(RevocationReason.KeyCompromise, (await store.GetCertificateAsync(first, default))!.RevocationReason);
        Assert.Null((await store.GetCertificateAsync(second, default))!.RevokedAt);

        // Every certificate of the computer: SlapOS's call.
        var all = await RunAsync("computer", "revoke", "COMP-REV", "--cfg", cfg);
        Assert.True(all.ExitCode == 0, all.Error);
        Assert.Contains("certificate(s) of computer 'COMP-REV'", all.Output, StringComparison.Ordinal);
        Assert.NotNull((await store.GetCertificateAsync(second, default))!.RevokedAt);
        list = await RunAsync("certificate", "list", "computer", "COMP-REV", "--cfg", cfg, "--json");
        using (var document = System.Text.Json.JsonDocument.Parse(list.Output))
        {
            Assert.All(document.RootElement.GetProperty("result_list").EnumerateArray(), c => Assert.Equal("revoked", c.GetProperty("state").GetString()));
        }

        // Mistakes get one line and a non-zero exit code.
        var unknown = await RunAsync("certificate", "revoke", "abc123", "--cfg", cfg);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no certificate with serial number abc123", unknown.Error, StringComparison.Ordinal);
        var half = await RunAsync("certificate", "revoke", "--kind", "computer", "--cfg", cfg);
        Assert.Equal(2, half.ExitCode);
        Assert.Contains("--kind and --reference go together", half.Error, StringComparison.Ordinal);
        var badReason = await RunAsync("computer", "revoke", "COMP-REV", "--reason", "because", "--cfg", cfg);
        Assert.Equal(2, badReason.ExitCode);
    }

    [Fact]
    public async Task A_person_may_not_revoke_a_computer_they_do_not_own()
    {
        await app.Services.GetRequiredService<ISlapMaster>().RegisterComputerAsync(new Computer { Reference = "COMP-NOT-DAVES" }, default);
        var serial = CertificateSerialNumber.Normalize((await app.Services.GetRequiredService<ICertificateAuthority>()
            .IssueAsync(new SlapIdentity(IdentityKind.Computer, "COMP-NOT-DAVES"), default)).SerialNumber);
        var token = await CreateTokenAsync("/slapos.post.v0.person_token", new { person_reference = "dave" });
        var cfg = Path.Combine(directory, "dave", "slapos-client.cfg");
        Assert.Equal(0, (await RunAsync("configure", "client", "--person", "dave", "--token", token, "--master-url", mtlsUrl, "--onboarding-url", onboardingUrl, "--cfg", cfg)).ExitCode);

        var refused = await RunAsync("computer", "revoke", "COMP-NOT-DAVES", "--cfg", cfg);
        var bySerial = await RunAsync("certificate", "revoke", serial, "--cfg", cfg);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("may not", refused.Error, StringComparison.Ordinal);
        Assert.Equal(1, bySerial.ExitCode);
        Assert.Null((await app.Services.GetRequiredService<IIdentityStore>().GetCertificateAsync(serial, default))!.RevokedAt);
    }

    /// <summary>A client configuration with an administrator's certificate, as <c>admin issue</c> would make.</summary>
    private async Task<string> AdminConfigurationAsync()
    {
        var admin = await app.Services.GetRequiredService<ICertificateAuthority>().IssueAsync(new SlapIdentity(IdentityKind.Person, "root", IsAdmin: true), default);
        var folder = Directory.CreateDirectory(Path.Combine(directory, "admin")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "client.crt"), admin.CertificatePem);
        await File.WriteAllTextAsync(Path.Combine(folder, "client.key"), admin.PrivateKeyPem);
        var cfg = Path.Combine(folder, "slapos-client.cfg");
        await File.WriteAllTextAsync(cfg, $"[slapos]\nmaster_url = {mtlsUrl}\nmaster_ca_file = {CaFile}\n" +
            $"key_file = {Path.Combine(folder, "client.key")}\ncert_file = {Path.Combine(folder, "client.crt")}\n");
        return cfg;
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
