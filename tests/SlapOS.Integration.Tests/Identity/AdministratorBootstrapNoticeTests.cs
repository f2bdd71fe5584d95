using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using SlapOS.Master;
using SlapOS.Master.Administration;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// The start-up hint "No administrator certificate was ever issued" follows the certificate registry in the store
/// (real SQLite, real CA): not the CA directory's <c>administrators.log</c>.
/// </summary>
public sealed class AdministratorBootstrapNoticeTests : IAsyncLifetime
{
    private const int NoAdministratorEventId = 2403;
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-admin-notice-").FullName;
    private ServiceProvider provider = null!;

    private string CaDirectory => Path.Combine(directory, "ca");

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SlapOS:Master:Security:Mode"] = "MutualTls",
            ["SlapOS:Master:Identity:Directory"] = CaDirectory,
        }).Build());
        services.AddLogging();
        services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")).UseBouncyCastleIdentity(o => o.Directory = CaDirectory));
        provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IMasterStore>().MigrateAsync(default);
    }

    public async Task DisposeAsync()
    {
        await provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task The_hint_reads_the_registry_in_the_store_not_the_journal()
    {
        var authority = provider.GetRequiredService<ICertificateAuthority>();

        // Empty registry: the hint, with how to make the first administrator.
        var first = await StartNoticeAsync();
        Assert.Contains("admin issue --person <you> --out <directory>", Assert.Single(first).Message, StringComparison.Ordinal);

        // A journal claiming an issue (as a copied CA directory over a fresh database would) does not silence it.
        Directory.CreateDirectory(CaDirectory);
        await File.WriteAllTextAsync(Path.Combine(CaDirectory, AdministratorRecord.FileName), "2026-01-01T00:00:00.0000000+00:00 issued person=root serial=1 out=/tmp/x\n");
        Assert.Single(await StartNoticeAsync());

        // Another person's certificate is no administrator's.
        await authority.IssueAsync(new SlapIdentity(IdentityKind.Person, "alice"), default);
        Assert.Single(await StartNoticeAsync());

        // An administrator certificate in the registry (issued in-process, never written to the journal): no hint.
        File.Delete(Path.Combine(CaDirectory, AdministratorRecord.FileName));
        var admin = await authority.IssueAsync(new SlapIdentity(IdentityKind.Person, "root", IsAdmin: true), default);
        Assert.Empty(await StartNoticeAsync());

        // Revoked, it no longer counts: the hint is back.
        Assert.True(await provider.GetRequiredService<IIdentityStore>().RevokeCertificateAsync(
            CertificateSerialNumber.Normalize(admin.SerialNumber), DateTimeOffset.UtcNow.AddSeconds(-1), RevocationReason.KeyCompromise, default));
        Assert.Single(await StartNoticeAsync());
    }

    /// <summary>Runs the start-up notice once; answers the "no administrator" lines it logged.</summary>
    private async Task<IReadOnlyList<FakeLogRecord>> StartNoticeAsync()
    {
        var logger = new FakeLogger<AdministratorBootstrapNotice>();
        var notice = ActivatorUtilities.CreateInstance<AdministratorBootstrapNotice>(provider, logger);
        await notice.StartAsync(default);
        return [.. logger.Collector.GetSnapshot().Where(r => r.Id.Id == NoAdministratorEventId)];
    }
}
