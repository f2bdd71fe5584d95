using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>The portal in a real headless Chromium, against a real master (insecure loopback mode: the admin).</summary>
public sealed class PortalBrowserTests : PortalBrowserTestBase
{
    [Fact]
    public async Task The_pages_show_both_computers_and_the_running_tree_and_are_screenshot_at_desktop_and_phone_width()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/computers");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "COMP-A", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "COMP-B", Exact = true })).ToBeVisibleAsync();
        var desktop = await Browser.ScreenshotAsync("computers-1280x800");

        await Page.GetByRole(AriaRole.Link, new() { Name = "COMP-A", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Computer COMP-A" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("database disk is full")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync("computer-1280x800");

        await Page.GetByRole(AriaRole.Link, new() { Name = "alice-web" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "alice-web (root)" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "alice-db" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText(PortalMaster.AliceSecret)).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync("tree-1280x800");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Show secret connection parameters" }).ClickAsync();
        await Assertions.Expect(Page.GetByText(PortalMaster.AliceSecret)).ToBeVisibleAsync();

        await Page.GotoAsync(Cloud.Url + "/portal/usage");
        await Assertions.Expect(Page.Locator("#usage-trees svg polyline").First).ToBeVisibleAsync();
        await Browser.ScreenshotAsync("usage-1280x800");

        await Page.SetViewportSizeAsync(390, 844);
        await Page.GotoAsync(Cloud.Url + "/portal/computers");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "COMP-B", Exact = true })).ToBeVisibleAsync();
        var phone = await Browser.ScreenshotAsync("computers-390x844");
        Assert.True(await WidthAsync() <= 390, "the computers page is wider than a 390px screen");
        await Page.GotoAsync(Cloud.Url + "/portal/trees/" + Cloud.AliceRoot.Reference);
        await Browser.ScreenshotAsync("tree-390x844");
        Assert.True(await WidthAsync() <= 390, "the tree page is wider than a 390px screen");
        await Page.GotoAsync(Cloud.Url + "/portal/request");
        await Browser.ScreenshotAsync("request-390x844");
        Assert.True(await WidthAsync() <= 390, "the request page is wider than a 390px screen");
        Assert.True(new FileInfo(desktop).Length > 10_000);
        Assert.True(new FileInfo(phone).Length > 10_000);
    }

    /// <summary>How wide the page is: at phone width nothing may overflow sideways.</summary>
    private Task<int> WidthAsync() => Page.EvaluateAsync<int>("document.documentElement.scrollWidth");

    [Fact]
    public async Task Submitting_the_request_form_shows_the_new_instance()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/request");

        await Page.GetByLabel("Software release URL").FillAsync(PortalMaster.Release);
        await Page.GetByLabel("Title").FillAsync("browser-made");
        await Page.GetByLabel("Parameters").FillAsync("greeting=hello from Chromium\nport=9090");
        await Page.GetByLabel("SLA").FillAsync("region=eu-west");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Request" }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Instance tree browser-made" })).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("hello from Chromium")).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText("COMP-A / slappart2")).ToBeVisibleAsync();
        var instance = await Cloud.Master.FindInstanceAsync(InstanceRequest.RootRequester, "browser-made", default);
        Assert.Equal("9090", instance!.Parameters["port"]);

        await Page.GetByRole(AriaRole.Link, new() { Name = "Instance trees" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "browser-made" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_request_that_cannot_be_allocated_shows_the_explanation()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/request");

        await Page.GetByLabel("Software release URL").FillAsync(PortalMaster.Release);
        await Page.GetByLabel("Title").FillAsync("mars-bound");
        await Page.GetByLabel("SLA").FillAsync("region=mars");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Request" }).ClickAsync();

        var alert = Page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToContainTextAsync("Nothing can host this request");
        await Assertions.Expect(alert).ToContainTextAsync("no free partition for 'mars-bound': 2 candidates");
        await Assertions.Expect(Page.GetByLabel("Title")).ToHaveValueAsync("mars-bound");
        await Browser.ScreenshotAsync("request-refused-1280x800");
    }

    [Fact]
    public async Task Supplying_a_release_from_the_computer_page_lists_it()
    {
        const string release = "https://example.org/sr/from-the-browser/software.cfg";
        await Page.GotoAsync(Cloud.Url + "/portal/computers/COMP-B");

        await Page.GetByLabel("Software release URL").FillAsync(release);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Supply", Exact = true }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Supplied " + release);
        await Assertions.Expect(Page.GetByRole(AriaRole.Cell, new() { Name = release, Exact = true })).ToBeVisibleAsync();
        var installations = await Cloud.Master.ListSoftwareInstallationsAsync(PortalMaster.ComputerB, default);
        Assert.Contains(installations, i => i.SoftwareReleaseUrl == release && i.RequestedState == SupplyState.Available);

        await Page.GetByRole(AriaRole.Button, new() { Name = "Remove " + release }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Asked the node to remove " + release);
        installations = await Cloud.Master.ListSoftwareInstallationsAsync(PortalMaster.ComputerB, default);
        Assert.Contains(installations, i => i.SoftwareReleaseUrl == release && i.RequestedState == SupplyState.Destroyed);
    }

    [Fact]
    public async Task The_keyboard_alone_reaches_the_request_form_and_submits_it()
    {
        await Page.GotoAsync(Cloud.Url + "/portal/computers");

        // Tab through the page until the navigation link to the form has the focus.
        var reached = false;
        for (var i = 0; i < 20 && !reached; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
            reached = await Page.EvaluateAsync<string>("document.activeElement.textContent") == "Request an instance";
        }

        Assert.True(reached, "Tab never reached the 'Request an instance' link");
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("/portal/request$"));

        // The form's first field comes right after the navigation and the help text.
        for (var i = 0; i < 10 && await Page.EvaluateAsync<string>("document.activeElement.id") != "release"; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("release", await Page.EvaluateAsync<string>("document.activeElement.id"));
        await Page.Keyboard.TypeAsync(PortalMaster.Release);
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.TypeAsync("keyboard-made");
        await Page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Instance tree keyboard-made" })).ToBeVisibleAsync();
        Assert.NotNull(await Cloud.Master.FindInstanceAsync(InstanceRequest.RootRequester, "keyboard-made", default));
    }
}
