using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Tests.Api;

/// <summary>
/// A store that fails while the caller's identity is checked (the revocation lookup, at the handshake and at the
/// identity gate) gives 503 with Retry-After: never a refused handshake, a 403 or a bare 500.
/// </summary>
public sealed class IdentityGateStoreOutageTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("slapos-gate-outage-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>How a lost PostgreSQL shows while the revoked serials are read.</summary>
    public static TheoryData<string> Failures() => ["connection refused", "pool timeout", "broken mid-read", "statement timeout", "wait cancelled by a timeout"];

    private static Exception Failure(string name) => name switch
    {
        "connection refused" => new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)),
        "pool timeout" => new NpgsqlException("The connection pool has been exhausted", new TimeoutException()),
        "broken mid-read" => new NpgsqlException("Exception while reading from stream", new EndOfStreamException()),
        "statement timeout" => new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", "57014"),
        "wait cancelled by a timeout" => new TaskCanceledException("A store call was abandoned by its timeout"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_store_failure_during_the_revocation_check_answers_503_with_Retry_After_not_a_refusal(string failure)
    {
        var store = Substitute.For<IIdentityStore>();
        store.TryAddCertificateAsync(Arg.Any<CertificateRecord>(), Arg.Any<CancellationToken>()).Returns(true);
        await using var services = Services(store);
        var certificate = await IssueAsync(services, new SlapIdentity(IdentityKind.Computer, "COMP-1"));
        store.ListRevokedCertificatesAsync(Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).ThrowsAsync(Failure(failure));

        // The handshake lets a certificate of this CA through when the store cannot say whether it is revoked...
        Assert.True(services.GetRequiredService<MasterTlsMaterial>().IsAcceptedClient(certificate));

        // ...and the gate, which asks again, answers 503 without reaching the endpoint.
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/slapos.get.v0.compute_node";
        context.Connection.ClientCertificate = certificate;
        context.Response.Body = new MemoryStream();
        var reached = false;
        await SlapIdentityGate.Wrap(_ =>
        {
            reached = true;
            return Task.CompletedTask;
        })(context);

        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.True(context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable, $"{context.Response.StatusCode}: {body}");
        Assert.False(string.IsNullOrEmpty(context.Response.Headers.RetryAfter), "503 without Retry-After");
        Assert.Contains("store-unavailable", body, StringComparison.Ordinal);
        Assert.False(reached);
        await store.Received().ListRevokedCertificatesAsync(Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_revoked_certificate_is_still_refused_when_the_store_answers()
    {
        var store = Substitute.For<IIdentityStore>();
        store.TryAddCertificateAsync(Arg.Any<CertificateRecord>(), Arg.Any<CancellationToken>()).Returns(true);
        await using var services = Services(store);
        var certificate = await IssueAsync(services, new SlapIdentity(IdentityKind.Computer, "COMP-1"));
        var record = store.ReceivedCalls().Select(c => c.GetArguments()[0]).OfType<CertificateRecord>().Single();
        store.ListRevokedCertificatesAsync(Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).Returns([record]);

        Assert.False(services.GetRequiredService<MasterTlsMaterial>().IsAcceptedClient(certificate));
        var context = new DefaultHttpContext { RequestServices = services };
        context.Connection.ClientCertificate = certificate;
        context.Response.Body = new MemoryStream();
        await SlapIdentityGate.Wrap(_ => Task.CompletedTask)(context);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    private ServiceProvider Services(IIdentityStore store)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SlapOS:Master:Security:Mode"] = "MutualTls" })
            .Build());
        services.AddLogging();
        services.AddSlapOSMaster(m => m.UseSqlite(Path.Combine(directory, "master.db")).UseBouncyCastleIdentity(o => o.Directory = directory));
        services.AddSingleton(store);
        return services.BuildServiceProvider();
    }

    private static async Task<X509Certificate2> IssueAsync(ServiceProvider services, SlapIdentity subject)
    {
        var issued = await services.GetRequiredService<ICertificateAuthority>().IssueAsync(subject, default);
        return X509Certificate2.CreateFromPem(issued.CertificatePem);
    }
}
