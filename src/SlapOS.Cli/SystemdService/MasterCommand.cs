using System.CommandLine;

namespace SlapOS.Cli.SystemdService;

/// <summary><c>slapos master</c>: what the tool does for a master host (for now, <c>service install</c>).</summary>
internal static class MasterCommand
{
    public static Command Create()
    {
        var master = new Command("master", "Operate a SlapOS master host");
        master.Subcommands.Add(ServiceInstallCommand.ForMaster());
        return master;
    }
}
