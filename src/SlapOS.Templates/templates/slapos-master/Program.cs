using System.Net;
using SlapOS;
using SlapOS.Master;

// A SlapOS master: the JSON API v0, the legacy XML slap API, HATEOAS and the portal on one web host.
//   Development (loopback, no certificates): dotnet run   (Properties/launchSettings.json: http://127.0.0.1:8080)
//   Production (mutual TLS, the default): the API on Master:ApiPort (5443), onboarding on Master:OnboardingPort (5444),
//   the certificate authority in SlapOS:Master:Identity:Directory.
var builder = WebApplication.CreateBuilder(args);
var configuration = builder.Configuration;
var insecureLoopback = string.Equals(configuration["SlapOS:Master:Security:Mode"], nameof(SlapOSSecurityMode.InsecureLoopback), StringComparison.OrdinalIgnoreCase);

builder.Services.AddSlapOSMaster(master =>
{
#if (UsePostgreSql)
    master.UsePostgreSql();             // SlapOS:Master:PostgreSql:ConnectionString
#else
    master.UseSqlite();                 // SlapOS:Master:Sqlite:Path
#endif
    if (!insecureLoopback)
    {
        master.UseBouncyCastleIdentity();   // the master's certificate authority
    }

    // Allocation policy plug-ins run after the built-in ones (dotnet new slapos-policy):
    // master.AddAllocationPolicy<MyPolicy>();
});

if (!insecureLoopback)
{
    var address = IPAddress.Parse(configuration["Master:Address"] ?? "0.0.0.0");
    builder.WebHost.UseKestrel(kestrel =>
    {
        kestrel.UseSlapOSMutualTls();                                                                             // before Listen
        kestrel.Listen(address, configuration.GetValue("Master:ApiPort", 5443), endpoint => endpoint.UseHttps()); // client certificate required
        kestrel.ListenSlapOSOnboarding(address, configuration.GetValue("Master:OnboardingPort", 5444));          // no client certificate
    });
}

var app = builder.Build();

// `admin issue --person root --out DIR` runs instead of serving, with this very configuration.
if (await app.RunSlapOSMasterCommandAsync(args) is { } exitCode)
{
    return exitCode;
}

app.MapSlapOSMaster();
app.MapSlapOSPortal();
await app.RunAsync();
return 0;
