using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Cli.Configuration;
using SlapOS.Slave.Agent;

namespace SlapOS.Cli.Commands;

/// <summary>
/// <c>slapos node format|software|instance|report|promise</c>: one run of the node agent (slapgrid) with
/// the embedded providers, showing progress; the exit code is slapgrid's (0 ok, 1 failure, 2 promise failure, 3 offline).
/// </summary>
internal static class NodeCommand
{
    private static readonly Option<string?> NodeConfigurationFile = new("--node-cfg")
    {
        Description = $"Node configuration (slapos.cfg; default ${NodeConfiguration.EnvironmentVariable} or /etc/opt/slapos/slapos.cfg)",
    };

    private static readonly Option<string?> ComputerId = new("--computer-id") { Description = "Reference of this computer on the master" };
    private static readonly Option<string?> InstanceRoot = new("--instance-root") { Description = "Where partitions live" };
    private static readonly Option<string?> SoftwareRoot = new("--software-root") { Description = "Where releases are installed" };
    private static readonly Option<int?> PartitionAmount = new("--partition-amount") { Description = "How many partitions format ensures" };
    private static readonly Option<string?> MasterApi = new("--master-api") { Description = "json (our master) or xml (a real SlapOS master)" };

    public static Command Create()
    {
        var node = new Command("node", "Run the node agent (slapgrid) once");
        node.Subcommands.Add(Run("format", "Create the partitions and upload them to the master", (a, p, t) => a.FormatAsync(p, t)));
        node.Subcommands.Add(Run("software", "Install and remove the releases supplied to this computer", (a, p, t) => a.SoftwareAsync(p, t)));
        node.Subcommands.Add(Run("instance", "Deploy, start and stop the partitions' instances", (a, p, t) => a.InstanceAsync(p, t)));
        node.Subcommands.Add(Run("report", "Report usage, and destroy the partitions requested destroyed", (a, p, t) => a.ReportAsync(p, t)));
        node.Subcommands.Add(RegisterCommand.Create());
        node.Subcommands.Add(Run("promise", "Run the promises of the started partitions", (a, p, t) => a.PromiseAsync(p, t)));
        node.Subcommands.Add(SystemdService.ServiceInstallCommand.ForNode());
        return node;
    }

    private static Command Run(string name, string description, Func<INodeAgent, IProgress<NodeProgress>, CancellationToken, Task<NodeRunResult>> run)
    {
        var command = new Command(name, description) { NodeConfigurationFile, ComputerId, InstanceRoot, SoftwareRoot, PartitionAmount, MasterApi };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = NodeConfiguration.Load(parseResult.GetValue(NodeConfigurationFile), new Dictionary<string, string?>
            {
                ["ComputerReference"] = parseResult.GetValue(ComputerId),
                ["MasterUrl"] = parseResult.GetValue(GlobalOptions.MasterUrl),
                ["InstanceRoot"] = parseResult.GetValue(InstanceRoot),
                ["SoftwareRoot"] = parseResult.GetValue(SoftwareRoot),
                ["PartitionAmount"] = parseResult.GetValue(PartitionAmount)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["MasterApi"] = parseResult.GetValue(MasterApi),
            });
            using var host = Build(settings);
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (OptionsValidationException e)
            {
                throw new CliException($"node configuration is incomplete: {string.Join("; ", e.Failures)}", 2);
            }

            var progress = new LineProgress(Output.Progress(parseResult));
            var result = await run(host.Services.GetRequiredService<INodeAgent>(), progress, cancellationToken);
            await host.StopAsync(CancellationToken.None);
            foreach (var outcome in result.Outcomes.Where(o => o.Status is NodeItemStatus.Failed or NodeItemStatus.PromiseFailed))
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"slapos: {name}: {outcome.Item}: {outcome.Status}: {outcome.Message}");
            }

            if (result.Message is { } message)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"slapos: {name}: {message}");
            }

            var document = new JsonObject
            {
                ["command"] = name,
                ["exit_code"] = (int)result.ExitCode,
                ["message"] = result.Message,
                ["outcomes"] = new JsonArray([.. result.Outcomes.Select(o => (JsonNode)new JsonObject { ["item"] = o.Item, ["status"] = o.Status.ToString(), ["message"] = o.Message })]),
            };
            Output.Write(parseResult, document, output => output.WriteLine($"node {name}: {result.ExitCode} ({result.Outcomes.Count} items)"));
            return (int)result.ExitCode;
        });
        return command;
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        var xml = string.Equals(settings.GetValueOrDefault("SlapOS:Slave:MasterApi"), "xml", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSlapOSSlave(node =>
        {
            _ = xml ? node.UseXmlMasterClient() : node.UseJsonMasterClient();
            node.UseNativeBuildout().UseNativeSupervisor().UseUnprivilegedFormatter();
        });
        return builder.Build();
    }

    private sealed class LineProgress(TextWriter output) : IProgress<NodeProgress>
    {
        public void Report(NodeProgress value) => output.WriteLine($"[{value.Command}] {value.Item}: {value.Step}");
    }
}
