using Microsoft.Playwright;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>A real master with the portal's demo cloud and a headless Chromium, both fresh for each test.</summary>
public abstract class PortalBrowserTestBase : IAsyncLifetime
{
    /// <summary>The master and the instances it was seeded with.</summary>
    protected PortalMaster Cloud { get; private set; } = null!;

    /// <summary>The browser, screenshots included.</summary>
    protected PortalBrowser Browser { get; private set; } = null!;

    /// <summary>The browser's one page.</summary>
    protected IPage Page => Browser.Page;

    public async Task InitializeAsync()
    {
        Cloud = await PortalMaster.StartAsync();
        Browser = await PortalBrowser.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Cloud.DisposeAsync();
    }
}
