using SlapOS;
using Microsoft.Extensions.Options;
using SlapOS.Master;

// A SlapOS master: the JSON API v0, the legacy XML slap API and HATEOAS on one web host.
//   dotnet run --project samples/SlapOS.Samples.MasterHost -- --urls http://127.0.0.1:8080 \
//     --SlapOS:Master:Security:Mode=InsecureLoopback --SlapOS:Master:Sqlite:Path=master.db
// PostgreSQL:  --SlapOS:Master:PostgreSql:ConnectionString="Host=...;Database=..."
// Mutual TLS:  --urls https://0.0.0.0:8443 --SlapOS:Master:Security:Mode=MutualTls --SlapOS:Master:Identity:Directory=/var/lib/slapos/ca
var builder = WebApplication.CreateBuilder(args);
var configuration = builder.Configuration;
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
});

if (mutualTls)
{
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.UseSlapOSMutualTls());
}

var app = builder.Build();
app.MapSlapOSMaster();
app.MapSlapOSPortal();   // the web portal at /portal/
try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
{
    // Bad configuration: one clear line, not a stack trace.
    await Console.Error.WriteLineAsync($"slapos master: {e.Message}");
    return 1;
}
