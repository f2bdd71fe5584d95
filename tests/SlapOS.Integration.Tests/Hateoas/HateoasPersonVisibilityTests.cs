using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SlapOS.Master;

namespace SlapOS.Integration.Tests.Hateoas;

/// <summary>
/// Over mutual TLS, with certificates issued by the master's own CA: a person sees only the trees they
/// requested and the computers they own; a computer sees only itself. Anything else is a 404.
/// </summary>
public sealed class HateoasPersonVisibilityTests : IAsyncLifetime
{
    private const string TreeQuery = "portal_type%3A%22Instance%20Tree%22%20AND%20validation_state%3Avalidated";
    private const string ComputerQuery = "portal_type%3A%22Compute%20Node%22%20AND%20validation_state%3Avalidated";

    private readonly string _directory = Directory.CreateTempSubdirectory("slapos-hateoas-mtls-").FullName;
    private WebApplication _app = null!;
    private Uri _address = null!;
    private SoftwareInstance _aliceTree = null!;
    private SoftwareInstance _bobTree = null!;
    private SoftwareInstance _bobShared = null!;

    private ISlapMaster Master => _app.Services.GetRequiredService<ISlapMaster>();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k =>
        {
            k.UseSlapOSMutualTls();
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps());
        });
        builder.Configuration["SlapOS:Master:Security:Mode"] = "MutualTls";
        builder.Services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(_directory, "master.db")).UseBouncyCastleIdentity(o => o.Directory = _directory));
        _app = builder.Build();
        _app.MapSlapOSMaster();
        await _app.StartAsync();
        _address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");

        await Master.RegisterComputerAsync(new Computer { Reference = "COMP-ALICE", OwnerReference = "alice" }, default);
        await Master.RegisterComputerAsync(new Computer { Reference = "COMP-OTHER" }, default);
        await Master.FormatComputerAsync(new ComputerFormat("COMP-ALICE", "10.1.0.1", "255.255.255.0",
            [.. Enumerable.Range(0, 3).Select(i => new ComputerPartition { ComputerReference = "COMP-ALICE", Reference = $"slappart{i}" })]), default);
        _aliceTree = await Master.RequestAsync(HateoasMaster.Request("alice-tree", "COMP-ALICE", requester: "alice"), default);
        _bobTree = await Master.RequestAsync(HateoasMaster.Request("bob-tree", "COMP-ALICE", requester: "bob"), default);
        _bobShared = await Master.RequestAsync(HateoasMaster.Request("bob-shared", "COMP-ALICE", shared: true, requester: "bob"), default);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_person_lists_only_their_own_trees()
    {
        using var alice = await ClientAsync(new SlapIdentity(IdentityKind.Person, "alice"));
        using var bob = await ClientAsync(new SlapIdentity(IdentityKind.Person, "bob"));

        Assert.Equal(["alice-tree"], await TitlesAsync(alice, $"query={TreeQuery}&select_list=title,url_string"));
        Assert.Equal(["bob-shared", "bob-tree"], await TitlesAsync(bob, $"query={TreeQuery}&select_list=title,url_string"));
        Assert.Empty(await TitlesAsync(alice, $"query={TreeQuery}%20AND%20title%3A%3D%22bob-tree%22&select_list=title,relative_url"));
    }

    [Fact]
    public async Task A_person_cannot_read_another_persons_documents_by_reference_or_title()
    {
        using var alice = await ClientAsync(new SlapIdentity(IdentityKind.Person, "alice"));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(alice, $"hateoas/partitions/{_aliceTree.Reference}"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(alice, "hateoas/partitions/alice-tree"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(alice, $"hateoas/partitions/{_bobTree.Reference}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(alice, "hateoas/partitions/bob-tree"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(alice, $"hateoas/shared/{_bobShared.Reference}"));
    }

    [Fact]
    public async Task A_person_sees_the_computers_they_own_and_a_computer_sees_itself()
    {
        using var alice = await ClientAsync(new SlapIdentity(IdentityKind.Person, "alice"));
        using var bob = await ClientAsync(new SlapIdentity(IdentityKind.Person, "bob"));
        using var other = await ClientAsync(new SlapIdentity(IdentityKind.Computer, "COMP-OTHER"));

        Assert.Equal(["COMP-ALICE"], await TitlesAsync(alice, $"query={ComputerQuery}&select_list=title,reference"));
        Assert.Empty(await TitlesAsync(bob, $"query={ComputerQuery}&select_list=title,reference"));
        Assert.Equal(["COMP-OTHER"], await TitlesAsync(other, $"query={ComputerQuery}&select_list=title,reference"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(alice, "hateoas/computers/COMP-ALICE"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(bob, "hateoas/computers/COMP-ALICE"));
    }

    private static async Task<List<string?>> TitlesAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"hateoas/?mode=search&{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty("_embedded").GetProperty("contents").EnumerateArray().Select(r => r.GetProperty("title").GetString()).Order(StringComparer.Ordinal)];
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }

    private async Task<HttpClient> ClientAsync(SlapIdentity identity)
    {
        var issued = await _app.Services.GetRequiredService<ICertificateAuthority>().IssueAsync(identity, default);
        var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_directory, "ca.crt")));
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var pem = X509Certificate2.CreateFromPem(issued.CertificatePem, issued.PrivateKeyPem);
        handler.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
        return new HttpClient(handler) { BaseAddress = _address };
    }
}
