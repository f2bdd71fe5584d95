using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Integration.Tests.Federation;

/// <summary>A master with a bad federation configuration does not start, and says why (as slapproxy refuses an https master without identity).</summary>
public sealed class FederationStartupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-federation-start-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<string> StartFailureAsync(Dictionary<string, string> settings, bool withClient = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Configuration["SlapOS:Master:Security:Mode"] = "InsecureLoopback";
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddSlapOSMaster(m =>
        {
            m.UseSqlite(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db"));
            if (withClient)
            {
                m.UseJsonExternalMasters();
            }
        });
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        return error.Message;
    }

    [Fact]
    public async Task An_https_master_without_certificate_and_key_is_a_start_up_error()
    {
        var message = await StartFailureAsync(new() { ["SlapOS:Master:Federation:Masters:b:Url"] = "https://b.example/" });
        Assert.Contains("SlapOS:Master:Federation:Masters:b", message, StringComparison.Ordinal);
        Assert.Contains("needs CertificateFile and KeyFile", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_certificate_file_an_identity_over_http_and_a_bad_url_are_start_up_errors()
    {
        var missing = await StartFailureAsync(new()
        {
            ["SlapOS:Master:Federation:Masters:b:Url"] = "https://b.example/",
            ["SlapOS:Master:Federation:Masters:b:CertificateFile"] = Path.Combine(_directory, "none.crt"),
            ["SlapOS:Master:Federation:Masters:b:KeyFile"] = Path.Combine(_directory, "none.key"),
        });
        Assert.Contains("none.crt' does not exist", missing, StringComparison.Ordinal);

        var key = Path.Combine(_directory, "a.key");
        await File.WriteAllTextAsync(key, "not used");
        var overHttp = await StartFailureAsync(new()
        {
            ["SlapOS:Master:Federation:Masters:b:Url"] = "http://b.example/",
            ["SlapOS:Master:Federation:Masters:b:CertificateFile"] = key,
            ["SlapOS:Master:Federation:Masters:b:KeyFile"] = key,
        });
        Assert.Contains("need an https Url", overHttp, StringComparison.Ordinal);

        var badUrl = await StartFailureAsync(new() { ["SlapOS:Master:Federation:Masters:b:Url"] = "b.example" });
        Assert.Contains("must be an absolute http or https URL", badUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_listed_for_two_masters_and_no_client_registered_are_start_up_errors()
    {
        var twice = await StartFailureAsync(new()
        {
            ["SlapOS:Master:Federation:Masters:b:Url"] = "http://b.example/",
            ["SlapOS:Master:Federation:Masters:b:SoftwareReleases:0"] = "https://example.com/sr.cfg",
            ["SlapOS:Master:Federation:Masters:c:Url"] = "http://c.example/",
            ["SlapOS:Master:Federation:Masters:c:SoftwareReleases:0"] = "https://example.com/sr.cfg",
        });
        Assert.Contains("is also listed for master", twice, StringComparison.Ordinal);

        var noClient = await StartFailureAsync(new() { ["SlapOS:Master:Federation:Masters:b:Url"] = "http://b.example/" }, withClient: false);
        Assert.Contains("UseJsonExternalMasters()", noClient, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revocation_check_without_its_ca_or_its_crl_file_is_a_start_up_error()
    {
        var certificate = Path.Combine(_directory, "a.crt");
        var key = Path.Combine(_directory, "a.key");
        await File.WriteAllTextAsync(certificate, "unused");
        await File.WriteAllTextAsync(key, "unused");
        var https = new Dictionary<string, string>
        {
            ["SlapOS:Master:Federation:Masters:b:Url"] = "https://b.example/",
            ["SlapOS:Master:Federation:Masters:b:CertificateFile"] = certificate,
            ["SlapOS:Master:Federation:Masters:b:KeyFile"] = key,
        };

        var noCa = await StartFailureAsync(new(https) { ["SlapOS:Master:Federation:Masters:b:RevocationCheck"] = "Master" });
        Assert.Contains("SlapOS:Master:Federation:Masters:b: RevocationCheck Master or File needs CaCertificateFile", noCa, StringComparison.Ordinal);

        var noFile = await StartFailureAsync(new(https)
        {
            ["SlapOS:Master:Federation:Masters:b:CaCertificateFile"] = certificate,
            ["SlapOS:Master:Federation:Masters:b:RevocationCheck"] = "File",
            ["SlapOS:Master:Federation:Masters:b:RevocationListFile"] = Path.Combine(_directory, "none.crl"),
        });
        Assert.Contains("RevocationCheck File needs RevocationListFile, an existing CRL file", noFile, StringComparison.Ordinal);
    }
}
