using SlapOS;

// A SlapOS node daemon: formats its partitions, then installs, deploys and reports on intervals,
// waking up early when the master signals a change. Configuration (appsettings.json or the command line):
//   --SlapOS:Slave:ComputerReference=COMP-1 --SlapOS:Slave:MasterUrl=http://127.0.0.1:8080
//   --SlapOS:Slave:InstanceRoot=/srv/slapgrid --SlapOS:Slave:SoftwareRoot=/opt/slapgrid
var builder = Host.CreateApplicationBuilder(args);

builder.Services.AddSlapOSSlave(node => node
    .UseJsonMasterClient()              // or .UseXmlMasterClient() to join a real SlapOS master
    .UseNativeBuildout()                // the embedded buildout engine; add C# recipes with .AddRecipe<T>(name) (dotnet new slapos-recipe)
    .UseNativeSupervisor()              // the embedded process supervisor
    .UseUnprivilegedFormatter());       // partitions as directories with loopback addresses (no root needed)

await builder.Build().RunAsync();
