using System.CommandLine;
using SlapOS.Cli.Configuration;

namespace SlapOS.Cli.Commands;

/// <summary><c>slapos configure client</c>: writes the client configuration file.</summary>
internal static class ConfigureCommand
{
    public static Command Create()
    {
        var client = new Command("client", "Write the client configuration (master URL)");
        client.SetAction(parseResult =>
        {
            var url = parseResult.GetValue(GlobalOptions.MasterUrl)
                ?? throw new CliException("pass --master-url URL", 2);
            var path = parseResult.GetValue(GlobalOptions.ConfigurationFile) ?? ClientConfiguration.DefaultPath;
            ClientConfiguration.Save(path, url);
            parseResult.InvocationConfiguration.Output.WriteLine($"Wrote {path}");
            return 0;
        });
        return new Command("configure", "Configure this machine") { client };
    }
}
