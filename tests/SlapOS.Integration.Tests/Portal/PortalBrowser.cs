using Microsoft.Playwright;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>
/// Debian's headless Chromium driven by Playwright, with a fresh profile in a temp dir removed on dispose.
/// Missing Chromium fails the test (scripts/test.sh installs it): the portal is only proven in a real browser.
/// </summary>
public sealed class PortalBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private PortalBrowser(IPlaywright playwright, IBrowserContext context, IPage page, string profile)
    {
        _playwright = playwright;
        Context = context;
        Page = page;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Where screenshots go: <c>SLAPOS_TEST_ARTIFACTS</c>, or <c>portal-screenshots</c> beside the tests.</summary>
    public static string ArtifactsDirectory =>
        Directory.CreateDirectory(Environment.GetEnvironmentVariable("SLAPOS_TEST_ARTIFACTS") is { Length: > 0 } dir
            ? Path.Combine(dir, "portal-screenshots")
            : Path.Combine(AppContext.BaseDirectory, "portal-screenshots")).FullName;

    public static async Task<PortalBrowser> LaunchAsync(IEnumerable<ClientCertificate>? clientCertificates = null)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium (scripts/test.sh does).");
        var playwright = await Playwright.CreateAsync();
        var profile = Directory.CreateTempSubdirectory("slapos-chromium-").FullName;
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
                ClientCertificates = clientCertificates,

                // The master's TLS certificate is issued by its own CA, which this fresh profile does not trust.
                IgnoreHTTPSErrors = clientCertificates is not null,
            });
            context.SetDefaultTimeout(15_000);
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            return new PortalBrowser(playwright, context, page, profile);
        }
        catch
        {
            playwright.Dispose();
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(ArtifactsDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        Directory.Delete(_profile, recursive: true);
    }
}
