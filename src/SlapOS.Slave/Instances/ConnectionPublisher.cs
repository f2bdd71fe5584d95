using System.Text.Json;
using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Instances;

/// <summary>
/// Publishes what a deployment returned, only when it changed: the instance's own parameters are
/// compared with what the master already has; a shared instance's with what this node last sent
/// (kept under <c>.slapgrid/connection</c> in the partition, wiped with it).
/// </summary>
internal sealed class ConnectionPublisher(ISlapMasterClient master, NodeLayout layout)
{
    private const string SharedFolder = ".slapgrid/connection";

    public async Task PublishAsync(PartitionInstance partition, string partitionPath, InstanceDeploymentResult result, CancellationToken cancellationToken)
    {
        if (result.ConnectionParameters.Count > 0 && !Same(result.ConnectionParameters, partition.ConnectionParameters))
        {
            await master.SetConnectionParametersAsync(layout.ComputerReference, partition.PartitionReference, result.ConnectionParameters, null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (sharedReference, parameters) in result.SharedConnectionParameters)
        {
            var file = Path.Combine(partitionPath, SharedFolder, SlapReference.Validate(sharedReference, "shared_instance_reference") + ".json");
            if (Same(parameters, ReadPublished(file)))
            {
                continue;
            }

            await master.SetConnectionParametersAsync(layout.ComputerReference, partition.PartitionReference, parameters, sharedReference, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file + ".tmp", JsonSerializer.Serialize(parameters), cancellationToken).ConfigureAwait(false);
            File.Move(file + ".tmp", file, overwrite: true);
        }
    }

    private static Dictionary<string, string>? ReadPublished(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }

    private static bool Same(IReadOnlyDictionary<string, string> left, IReadOnlyDictionary<string, string>? right) =>
        right is not null
        && left.Count == right.Count
        && left.All(pair => right.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
