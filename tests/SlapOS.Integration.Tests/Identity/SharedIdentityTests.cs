using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Integration.Tests.Api;

namespace SlapOS.Integration.Tests.Identity;

/// <summary>
/// Two masters over one store and one CA directory, with real mutual TLS on loopback: tokens, serial numbers,
/// the certificate registry and revocations are one truth for both, and survive a restart.
/// </summary>
public sealed class SharedIdentityTests
{
    public static TheoryData<string> Stores() => ["postgresql", "sqlite"];

    private static string Title(Answer answer) => answer.Json().GetProperty("title").GetString()!;

    private static async Task<string> NewComputerAsync(MtlsMaster master)
    {
        var reference = LoopbackMaster.NewComputer();
        await master.Master.RegisterComputerAsync(new Computer { Reference = reference }, default);
        return reference;
    }

    private static async Task<string> CreateTokenAsync(MtlsMaster master, IssuedCertificate admin, string computer)
    {
        using var client = master.Client(admin);
        var created = await MtlsMaster.PostJsonAsync(client, "/slapos.post.v0.compute_node_token", new { computer_guid = computer });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        return created.Json().GetProperty("token").GetString()!;
    }

    private static async Task<Answer> RegisterAsync(MtlsMaster master, string computer, string token)
    {
        using var client = master.Client(null, master.OnboardingUrl);
        return await MtlsMaster.PostJsonAsync(client, "/slapos.post.v0.compute_node_register", new { computer_guid = computer, token });
    }

    private static IssuedCertificate Registered(Answer answer, string computer)
    {
        var json = answer.Json();
        return new IssuedCertificate(new SlapIdentity(IdentityKind.Computer, computer), "?", json.GetProperty("certificate").GetString()!, json.GetProperty("key").GetString()!, DateTimeOffset.MaxValue);
    }

    private static async Task<HttpStatusCode> StatusAsync(MtlsMaster master, IssuedCertificate identity, string computer)
    {
        using var client = master.Client(identity);
        return (await MtlsMaster.PostJsonAsync(client, "/slapos.get.v0.compute_node_status", new { computer_guid = computer })).Status;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_token_made_on_one_master_is_redeemed_on_the_other_exactly_once(string store)
    {
        await using var cloud = await SharedCloud.CreateAsync(store);
        var a = await cloud.StartMasterAsync();
        var b = await cloud.StartMasterAsync();
        var admin = await a.IssueAsync(IdentityKind.Person, "root-admin", admin: true);
        var computer = await NewComputerAsync(a);
        var token = await CreateTokenAsync(a, admin, computer);

        var redeemed = await RegisterAsync(b, computer, token);
        var again = await RegisterAsync(a, computer, token);

        Assert.Equal(HttpStatusCode.OK, redeemed.Status);
        Assert.Equal(HttpStatusCode.Forbidden, again.Status);
        Assert.Contains("already used", Title(again), StringComparison.Ordinal);

        // The certificate B issued is accepted by A (one CA), and A's by B.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(a, Registered(redeemed, computer), computer));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b, await a.IssueAsync(IdentityKind.Computer, computer), computer));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_token_raced_on_both_masters_is_redeemed_by_exactly_one_call(string store)
    {
        await using var cloud = await SharedCloud.CreateAsync(store);
        var a = await cloud.StartMasterAsync();
        var b = await cloud.StartMasterAsync();
        var admin = await a.IssueAsync(IdentityKind.Person, "root-admin", admin: true);
        var computer = await NewComputerAsync(a);
        var token = await CreateTokenAsync(b, admin, computer);

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => RegisterAsync(i % 2 == 0 ? a : b, computer, token))));

        Assert.Equal(1, answers.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(15, answers.Count(r => r.Status == HttpStatusCode.Forbidden));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_thousand_certificates_signed_concurrently_on_two_masters_have_unique_serials(string store)
    {
        await using var cloud = await SharedCloud.CreateAsync(store);
        var masters = new[] { await cloud.StartMasterAsync(), await cloud.StartMasterAsync() };
        var serials = new ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            var issued = await masters[i % 2].Authority.IssueAsync(new SlapIdentity(IdentityKind.Partition, $"SOFTINST-{i}"), cancellationToken);
            serials.Add(issued.SerialNumber);
        });

        Assert.Equal(1000, serials.Count);
        Assert.Equal(1000, serials.Distinct(StringComparer.Ordinal).Count());
        var registry = masters[1].Services.GetRequiredService<IIdentityStore>();
        foreach (var serial in serials.Take(50))
        {
            Assert.NotNull(await registry.GetCertificateAsync(serial, default));
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_certificate_revoked_on_one_master_is_refused_by_the_other_within_five_seconds(string store)
    {
        await using var cloud = await SharedCloud.CreateAsync(store);
        var a = await cloud.StartMasterAsync();
        var b = await cloud.StartMasterAsync();
        var computer = await NewComputerAsync(a);
        var node = await a.IssueAsync(IdentityKind.Computer, computer);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b, node, computer));

        await a.Authority.RevokeAsync(node.SerialNumber, default);
        var revokedAt = System.Diagnostics.Stopwatch.StartNew();

        // Each attempt is a new connection, so a new TLS handshake on B.
        var refused = false;
        while (!refused && revokedAt.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                await StatusAsync(b, node, computer);
                await Task.Delay(100);
            }
            catch (HttpRequestException)
            {
                refused = true;
            }
        }

        Assert.True(refused, "master B still accepted the revoked certificate 5 s after master A revoked it");
        await Assert.ThrowsAsync<HttpRequestException>(() => StatusAsync(a, node, computer));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b, await b.IssueAsync(IdentityKind.Computer, computer), computer));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_restarted_master_still_knows_tokens_and_revocations(string store)
    {
        await using var cloud = await SharedCloud.CreateAsync(store);
        var first = await cloud.StartMasterAsync();
        var admin = await first.IssueAsync(IdentityKind.Person, "root-admin", admin: true);
        var computer = await NewComputerAsync(first);
        var token = await CreateTokenAsync(first, admin, computer);
        var revoked = await first.IssueAsync(IdentityKind.Computer, computer);
        await first.Authority.RevokeAsync(revoked.SerialNumber, default);

        await cloud.StopAsync(first);
        var restarted = await cloud.StartMasterAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => StatusAsync(restarted, revoked, computer));
        var redeemed = await RegisterAsync(restarted, computer, token);
        Assert.Equal(HttpStatusCode.OK, redeemed.Status);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(restarted, Registered(redeemed, computer), computer));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(restarted, admin, computer));
    }
}
