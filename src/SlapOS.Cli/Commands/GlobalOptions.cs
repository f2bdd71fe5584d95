using System.CommandLine;
using SlapOS.Cli.Client;
using SlapOS.Cli.Configuration;

namespace SlapOS.Cli.Commands;

/// <summary>Options every command accepts, and what they resolve to.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> MasterUrl = new("--master-url")
    {
        Description = "URL of the SlapOS master (overrides master_url of the configuration file)",
        Recursive = true,
    };

    public static readonly Option<string?> ConfigurationFile = new("--cfg")
    {
        Description = $"Client configuration file (default: ${ClientConfiguration.EnvironmentVariable} or ~/.slapos/slapos-client.cfg)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print results as JSON, for scripts",
        Recursive = true,
    };

    public static MasterApiClient CreateClient(ParseResult parseResult)
    {
        var configuration = ClientConfiguration.Load(parseResult.GetValue(ConfigurationFile));
        var url = parseResult.GetValue(MasterUrl) ?? configuration.MasterUrl
            ?? throw new CliException("no master URL: pass --master-url or run 'slapos configure client --master-url URL'", 2);
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new CliException($"master URL '{url}' is not an http(s) URL", 2);
        }

        return new MasterApiClient(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) });
    }
}
