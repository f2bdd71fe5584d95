using System.Text;
using Microsoft.Playwright;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>
/// A person's browser, authenticated by the client certificate the master issued them (mutual TLS mode):
/// it shows their tree and their computer, and nothing of another person's.
/// </summary>
public sealed class PortalPersonBrowserTests : IAsyncLifetime
{
    private PortalMaster _master = null!;
    private PortalBrowser _browser = null!;

    private IPage Page => _browser.Page;

    public async Task InitializeAsync()
    {
        _master = await PortalMaster.StartAsync(mutualTls: true);
        var alice = await _master.IssuePersonCertificateAsync(PortalMaster.Alice);
        _browser = await PortalBrowser.LaunchAsync(
        [
            new ClientCertificate
            {
                Origin = _master.Url,
                Cert = Encoding.ASCII.GetBytes(alice.CertificatePem),
                Key = Encoding.ASCII.GetBytes(alice.PrivateKeyPem),
            },
        ]);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _master.DisposeAsync();
    }

    [Fact]
    public async Task A_persons_browser_sees_their_tree_and_computer_and_not_another_persons()
    {
        await Page.GotoAsync(_master.Url + "/portal/trees");
        await Assertions.Expect(Page.GetByText("Signed in as person PERSON-alice")).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "alice-web" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("bob-shop")).ToHaveCountAsync(0);
        await _browser.ScreenshotAsync("person-trees-1280x800");

        await Page.GotoAsync(_master.Url + "/portal/computers");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "COMP-A", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("COMP-B")).ToHaveCountAsync(0);

        var response = await Page.GotoAsync(_master.Url + "/portal/trees/" + _master.BobRoot.Reference);
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Not yours" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("bob-shop")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_person_requests_an_instance_that_becomes_their_own_tree()
    {
        await Page.GotoAsync(_master.Url + "/portal/request");
        await Page.GetByLabel("Software release URL").FillAsync(PortalMaster.Release);
        await Page.GetByLabel("Title").FillAsync("alice-blog");
        await Page.GetByLabel("SLA").FillAsync("computer_guid=COMP-A");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Request" }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Instance tree alice-blog" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("Owner PERSON-alice")).ToBeVisibleAsync();
        Assert.NotNull(await _master.Master.FindInstanceAsync(PortalMaster.Alice, "alice-blog", default));
    }

    [Fact]
    public async Task The_owner_revokes_their_computers_certificate_and_may_not_revoke_another_persons()
    {
        var mine = await _master.IssueComputerCertificateAsync(PortalMaster.ComputerA);
        var serial = CertificateSerialNumber.Normalize(mine.SerialNumber);
        var bobs = await _master.IssueComputerCertificateAsync(PortalMaster.ComputerB);
        var bobsSerial = CertificateSerialNumber.Normalize(bobs.SerialNumber);

        await Page.GotoAsync(_master.Url + "/portal/computers/" + PortalMaster.ComputerA);
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = serial });
        await Assertions.Expect(row.GetByText("valid", new() { Exact = true })).ToBeVisibleAsync();
        await row.GetByLabel("Reason").SelectOptionAsync("key_compromise");
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke certificate " + serial }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Revoked certificate {serial}");
        await Assertions.Expect(row.GetByText("revoked", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        var record = await _master.Identities.GetCertificateAsync(serial, default);
        Assert.Equal(RevocationReason.KeyCompromise, record!.RevocationReason);
        Assert.True(record.IsRevokedAt(DateTimeOffset.UtcNow));
        await _browser.ScreenshotAsync("person-computer-certificates-1280x800");

        // A forged same-origin form for Bob's computer: refused by the JSON API's own rule, and nothing revoked.
        var response = await Page.APIRequest.PostAsync($"{_master.Url}/portal/computers/{PortalMaster.ComputerB}/revoke", new()
        {
            Headers = new Dictionary<string, string> { ["Origin"] = _master.Url.TrimEnd('/') },
            Form = Page.APIRequest.CreateFormData().Set("serial_number", bobsSerial).Set("reason", "key_compromise"),
            MaxRedirects = 0,
        });
        Assert.Equal(403, response.Status);
        Assert.Null((await _master.Identities.GetCertificateAsync(bobsSerial, default))!.RevokedAt);

        // Nor a serial of Bob's through her own computer's form.
        response = await Page.APIRequest.PostAsync($"{_master.Url}/portal/computers/{PortalMaster.ComputerA}/revoke", new()
        {
            Headers = new Dictionary<string, string> { ["Origin"] = _master.Url.TrimEnd('/') },
            Form = Page.APIRequest.CreateFormData().Set("serial_number", bobsSerial),
            MaxRedirects = 0,
        });
        Assert.Equal(404, response.Status);
        Assert.Null((await _master.Identities.GetCertificateAsync(bobsSerial, default))!.RevokedAt);
    }
}
