using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SlapOS;
using SlapOS.Master;
using SlapOS.Samples;
using SlapOS.Samples.MasterHost;

// A SlapOS master: the JSON API v0, the legacy XML slap API and HATEOAS on one web host.
//   dotnet run --project samples/SlapOS.Samples.MasterHost -- --urls http://127.0.0.1:8080 \
//     --SlapOS:Master:Security:Mode=InsecureLoopback --SlapOS:Master:Sqlite:Path=master.db
// PostgreSQL:  --SlapOS:Master:PostgreSql:ConnectionString="Host=...;Database=..."
// Mutual TLS (the default mode): the API on MasterHost:ApiPort (5443), onboarding on MasterHost:OnboardingPort (5444):
//   --SlapOS:Master:Identity:Directory=/var/lib/slapos/ca [--MasterHost:Address=0.0.0.0 --MasterHost:ApiPort=5443 --MasterHost:OnboardingPort=5444]
// Federation (forward requests to other masters, as slapproxy's multimaster; see docs/federation.md):
//   --SlapOS:Master:Federation:Masters:eu:Url=https://eu.example:5443 --SlapOS:Master:Federation:Masters:eu:CertificateFile=...
// The first administrator, made locally by whoever can read the CA key (same configuration, instead of serving):
//   ... admin issue --person root --out ~/.slapos/admin [--master-url https://host:5443]
var builder = WebApplication.CreateBuilder(args);
var configuration = builder.Configuration;
try
{
    // --OpenTelemetry:OtlpEndpoint=http://127.0.0.1:4317 exports traces, metrics and logs (docs/observability.md).
    builder.AddSlapOSOtlpExport("slapos-master");
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync($"slapos master: {e.Message}");
    return 2;
}

var mutualTls = !string.Equals(configuration["SlapOS:Master:Security:Mode"], nameof(SlapOSSecurityMode.InsecureLoopback), StringComparison.OrdinalIgnoreCase);

builder.Services.AddSlapOSMaster(master =>
{
    if (!string.IsNullOrWhiteSpace(configuration["SlapOS:Master:PostgreSql:ConnectionString"]))
    {
        master.UsePostgreSql();
    }
    else
    {
        master.UseSqlite();
    }

    if (mutualTls || !string.IsNullOrWhiteSpace(configuration["SlapOS:Master:Identity:Directory"]))
    {
        master.UseBouncyCastleIdentity();
    }

    // External masters are reached with our JSON master client (nothing happens unless some are configured).
    master.UseJsonExternalMasters();
});

// The binary cache (shacache + shadir for slapgrid's networkcache) when it has a storage directory: docs/binary-cache.md.
var binaryCache = !string.IsNullOrWhiteSpace(configuration["SlapOS:BinaryCache:StorageDirectory"]);
if (binaryCache)
{
    builder.Services.AddSlapOSBinaryCache();
}

var listen = configuration.GetSection(MasterHostListenOptions.SectionName).Get<MasterHostListenOptions>() ?? new MasterHostListenOptions();
if (mutualTls)
{
    if (listen.Problem() is { } problem)
    {
        await Console.Error.WriteLineAsync($"slapos master: {problem}");
        return 2;
    }

    var address = IPAddress.Parse(listen.Address);
    builder.WebHost.UseKestrel(kestrel =>
    {
        kestrel.UseSlapOSMutualTls();                                                  // before Listen
        kestrel.Listen(address, listen.ApiPort, endpoint => endpoint.UseHttps());      // the API: client certificate required
        kestrel.ListenSlapOSOnboarding(address, listen.OnboardingPort);               // onboarding: no client certificate
    });
}

var app = builder.Build();

// `admin issue …` runs instead of serving, with this very configuration.
if (await app.RunSlapOSMasterCommandAsync(args) is { } exitCode)
{
    return exitCode;
}

app.MapSlapOSMaster();
app.MapSlapOSPortal();   // the web portal at /portal/
if (binaryCache)
{
    app.MapSlapOSBinaryCache();   // /shacache and /shadir
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    if (mutualTls)
    {
        MasterHostLog.Api(app.Logger, listen.Url(listen.ApiPort));
        MasterHostLog.Onboarding(app.Logger, listen.Url(listen.OnboardingPort));
        var caPem = app.Services.GetRequiredService<ICertificateAuthority>().GetCaCertificatePemAsync(app.Lifetime.ApplicationStopping).GetAwaiter().GetResult();
        using var ca = X509Certificate2.CreateFromPem(caPem);
        MasterHostLog.Ca(app.Logger, Convert.ToHexString(SHA256.HashData(ca.RawData)));
        return;
    }

    foreach (var url in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
    {
        MasterHostLog.Insecure(app.Logger, url);
    }
});

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or InvalidOperationException or IOException)
{
    // Bad configuration (or a port already taken): one clear line, not a stack trace.
    await Console.Error.WriteLineAsync($"slapos master: {e.Message}");
    return 1;
}
