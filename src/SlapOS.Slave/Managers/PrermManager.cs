using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SlapOS.Slave.Processes;

namespace SlapOS.Slave.Managers;

/// <summary>
/// Runs the scripts a partition's profile put in <c>etc/prerm</c> (slapgrid's prerm manager) before the partition
/// is destroyed, one after the other, as the partition user, each with a timeout. Every script runs; the failed
/// ones are reported together (the destruction goes on: the report run says so in the partition's outcome).
/// </summary>
internal sealed class PrermManager(ExecutableRunner runner, IOptions<PrermManagerOptions> options, ILogger<PrermManager> logger) : INodeManager
{
    public const string PrermFolder = "etc/prerm";

    public string Name => "prerm";

    public async Task BeforeDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var script in PartitionExecutables.List(partition.PartitionPath, PrermFolder))
        {
            var name = Path.GetFileName(script);
            var result = await runner.RunAsync(script, partition.PartitionPath, partition.User, options.Value.Timeout, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                logger.PrermSucceeded(partition.PartitionReference, name);
                continue;
            }

            var why = result.TimedOut ? $"timed out after {options.Value.Timeout}" : $"failed (exit code {result.ExitCode})";
            logger.PrermFailed(partition.PartitionReference, name, why, result.Output);
            failures.Add($"prerm script {name} {why}: {result.Output.Trim()}");
        }

        if (failures.Count > 0)
        {
            throw new NodeManagerException(string.Join('\n', failures));
        }
    }
}
