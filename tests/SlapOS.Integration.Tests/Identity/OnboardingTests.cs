using System.Net;
using SlapOS.Integration.Tests.Api;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>Onboarding tokens over real mutual TLS: created by an admin or owner, exchanged once on the onboarding listener.</summary>
public sealed class OnboardingTests(MtlsMaster master) : IClassFixture<MtlsMaster>
{
    private static string Title(Answer answer) => answer.Json().GetProperty("title").GetString()!;

    private async Task<string> NewComputerAsync(string? owner = null)
    {
        var reference = LoopbackMaster.NewComputer();
        await master.Master.RegisterComputerAsync(new Computer { Reference = reference, OwnerReference = owner }, default);
        return reference;
    }

    private async Task<Answer> CreateTokenAsync(IssuedCertificate caller, string computer, double? ttl = null)
    {
        using var client = master.Client(caller);
        object body = ttl is { } seconds ? new { computer_guid = computer, ttl_seconds = seconds } : new { computer_guid = computer };
        return await MtlsMaster.PostJsonAsync(client, "/slapos.post.v0.compute_node_token", body);
    }

    private async Task<Answer> RegisterAsync(string computer, string token)
    {
        using var client = master.Client(null, master.OnboardingUrl);
        return await MtlsMaster.PostJsonAsync(client, "/slapos.post.v0.compute_node_register", new { computer_guid = computer, token });
    }

    [Fact]
    public async Task A_token_works_once_and_its_certificate_is_accepted_over_mutual_tls()
    {
        var computer = await NewComputerAsync();
        var created = await CreateTokenAsync(await master.IssueAsync(IdentityKind.Person, "root-admin", admin: true), computer);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var token = created.Json().GetProperty("token").GetString()!;

        var registered = await RegisterAsync(computer, token);
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        var answer = registered.Json();
        Assert.Equal(File.ReadAllText(master.CaFile), answer.GetProperty("ca_certificate").GetString());
        var issued = new IssuedCertificate(new SlapIdentity(IdentityKind.Computer, computer), "?", answer.GetProperty("certificate").GetString()!, answer.GetProperty("key").GetString()!, DateTimeOffset.MaxValue);

        // The new certificate is the computer on the mutual TLS listener.
        using (var client = master.Client(issued))
        {
            var status = await MtlsMaster.PostJsonAsync(client, "/slapos.get.v0.compute_node_status", new { computer_guid = computer });
            Assert.Equal(HttpStatusCode.OK, status.Status);
        }

        var reused = await RegisterAsync(computer, token);
        Assert.Equal(HttpStatusCode.Forbidden, reused.Status);
        Assert.Contains("already used", Title(reused), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_token_or_a_token_for_another_computer_is_refused()
    {
        var computer = await NewComputerAsync();
        var other = await NewComputerAsync();
        var created = await CreateTokenAsync(await master.IssueAsync(IdentityKind.Person, "root-admin", admin: true), computer);
        var token = created.Json().GetProperty("token").GetString()!;

        var forged = await RegisterAsync(computer, token[..^2] + (token[^2..] == "AA" ? "BB" : "AA"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Contains($"registration of computer '{computer}' refused", Title(forged), StringComparison.Ordinal);

        var elsewhere = await RegisterAsync(other, token);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.Status);

        // Neither refusal consumed the real token.
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(computer, token)).Status);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var computer = await NewComputerAsync();
        var created = await CreateTokenAsync(await master.IssueAsync(IdentityKind.Person, "root-admin", admin: true), computer, ttl: 1);
        var token = created.Json().GetProperty("token").GetString()!;
        var expires = DateTimeOffset.Parse(created.Json().GetProperty("expires").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        // Wait (on the real clock the master uses) until the token's expiry has passed.
        while (DateTimeOffset.UtcNow <= expires)
        {
            await Task.Delay(100);
        }

        var late = await RegisterAsync(computer, token);
        Assert.Equal(HttpStatusCode.Forbidden, late.Status);
        Assert.Contains("expired", Title(late), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_owner_may_create_a_token_another_person_or_the_computer_may_not()
    {
        var computer = await NewComputerAsync(owner: "alice");
        Assert.Equal(HttpStatusCode.OK, (await CreateTokenAsync(await master.IssueAsync(IdentityKind.Person, "alice"), computer)).Status);

        var mallory = await CreateTokenAsync(await master.IssueAsync(IdentityKind.Person, "mallory"), computer);
        Assert.Equal(HttpStatusCode.Forbidden, mallory.Status);
        Assert.Contains($"may not create an onboarding token for computer '{computer}'", Title(mallory), StringComparison.Ordinal);

        var itself = await CreateTokenAsync(await master.IssueAsync(IdentityKind.Computer, computer), computer);
        Assert.Equal(HttpStatusCode.Forbidden, itself.Status);
    }

    [Fact]
    public async Task The_onboarding_listener_serves_registration_only()
    {
        var computer = await NewComputerAsync();
        using var anonymous = master.Client(null, master.OnboardingUrl);

        var status = await MtlsMaster.PostJsonAsync(anonymous, "/slapos.get.v0.compute_node_status", new { computer_guid = computer });
        Assert.Equal(HttpStatusCode.Forbidden, status.Status);
        Assert.Contains("client certificate", status.Body, StringComparison.Ordinal);

        var token = await MtlsMaster.PostJsonAsync(anonymous, "/slapos.post.v0.compute_node_token", new { computer_guid = computer });
        Assert.Equal(HttpStatusCode.Forbidden, token.Status);

        using var xml = await anonymous.GetAsync("/getFullComputerInformation?computer_id=" + computer);
        Assert.Equal(HttpStatusCode.Forbidden, xml.StatusCode);
    }

    [Fact]
    public async Task The_mutual_tls_listener_refuses_a_caller_without_certificate_at_the_handshake()
    {
        using var anonymous = master.Client(null);

        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync("/slapos.get.v0.ca_certificate"));
    }

    [Fact]
    public async Task A_person_token_gives_a_client_certificate_for_that_person_only_an_admin_creates_it()
    {
        var admin = await master.IssueAsync(IdentityKind.Person, "root-admin", admin: true);
        using var adminClient = master.Client(admin);
        var created = await MtlsMaster.PostJsonAsync(adminClient, "/slapos.post.v0.person_token", new { person_reference = "bob" });
        Assert.Equal(HttpStatusCode.OK, created.Status);

        using var bob = master.Client(await master.IssueAsync(IdentityKind.Person, "bob"));
        Assert.Equal(HttpStatusCode.Forbidden, (await MtlsMaster.PostJsonAsync(bob, "/slapos.post.v0.person_token", new { person_reference = "carol" })).Status);

        using var anonymous = master.Client(null, master.OnboardingUrl);
        var registered = await MtlsMaster.PostJsonAsync(anonymous, "/slapos.post.v0.person_register", new { person_reference = "bob", token = created.Json().GetProperty("token").GetString() });
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(registered.Json().GetProperty("certificate").GetString()!);
        Assert.Contains("CN=bob", certificate.Subject, StringComparison.Ordinal);
        Assert.Contains("OU=person", certificate.Subject, StringComparison.Ordinal);
    }
}
