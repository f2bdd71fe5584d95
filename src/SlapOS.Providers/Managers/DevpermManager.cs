using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Managers;

/// <summary>
/// Gives a partition the devices it lists in <c>.slapos-disk-permission</c> (slapgrid's devperm manager: a JSON list
/// of <c>{"disk": "/dev/…"}</c>) when the operator allowed them: each is chown'd to the owner of the partition
/// directory and the device group. A device the partition no longer lists, and every device at destruction, is
/// taken back (root and the device group).
/// </summary>
public sealed class DevpermManager(IOptions<DevpermManagerOptions> options, ILogger<DevpermManager> logger) : INodeManager
{
    /// <summary>The request file, in the partition directory (slapgrid's name).</summary>
    public const string DiskPermissionFile = ".slapos-disk-permission";

    /// <inheritdoc />
    public string Name => "devperm";

    /// <inheritdoc />
    public async Task AfterInstanceAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var owner = await OwnerAsync(partition.PartitionPath, cancellationToken).ConfigureAwait(false);
        var allowed = Allowed();
        var refusals = new List<string>();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in Requested(partition))
        {
            var resolved = Resolve(device);
            if (!allowed.Contains(resolved))
            {
                DevpermManagerLog.Refused(logger, partition.PartitionReference, device);
                refusals.Add($"devperm: {device} is not in {DevpermManagerOptions.SectionName}:AllowedDevices");
                continue;
            }

            wanted.Add(resolved);
            if (await OwnerAsync(resolved, cancellationToken).ConfigureAwait(false) != owner)
            {
                await ChownAsync(resolved, owner, cancellationToken).ConfigureAwait(false);
                DevpermManagerLog.Given(logger, partition.PartitionReference, resolved, owner);
            }
        }

        await TakeBackAsync(partition, owner, wanted, cancellationToken).ConfigureAwait(false);
        if (refusals.Count > 0)
        {
            throw new NodeManagerException(string.Join('\n', refusals));
        }
    }

    /// <inheritdoc />
    public async Task BeforeDestroyAsync(NodeManagerPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (Directory.Exists(partition.PartitionPath))
        {
            await TakeBackAsync(partition, await OwnerAsync(partition.PartitionPath, cancellationToken).ConfigureAwait(false), [], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Allowed devices the partition's owner holds but does not ask for any more go back to root.</summary>
    private async Task TakeBackAsync(NodeManagerPartition partition, string owner, HashSet<string> keep, CancellationToken cancellationToken)
    {
        if (owner == "0")
        {
            return; // A partition owned by root holds nothing of its own.
        }

        foreach (var device in Allowed().Where(d => !keep.Contains(d) && File.Exists(d)))
        {
            if (await OwnerAsync(device, cancellationToken).ConfigureAwait(false) == owner)
            {
                await ChownAsync(device, "0", cancellationToken).ConfigureAwait(false);
                DevpermManagerLog.TakenBack(logger, partition.PartitionReference, device);
            }
        }
    }

    private HashSet<string> Allowed() => options.Value.AllowedDevices.Select(Resolve).ToHashSet(StringComparer.Ordinal);

    private static List<string> Requested(NodeManagerPartition partition)
    {
        var file = Path.Combine(partition.PartitionPath, DiskPermissionFile);
        if (!File.Exists(file))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.EnumerateArray()
                .Select(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("disk", out var disk) && disk.ValueKind == JsonValueKind.String ? disk.GetString()! : throw new FormatException())
                .ToList();
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new NodeManagerException($"devperm: {DiskPermissionFile} must be a JSON list of {{\"disk\": \"/dev/…\"}} objects.", ex);
        }
    }

    private static string Resolve(string device)
    {
        var full = Path.GetFullPath(device);
        return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
    }

    private static async Task<string> OwnerAsync(string path, CancellationToken cancellationToken) =>
        (await RunAsync("stat", ["-c", "%u", path], cancellationToken).ConfigureAwait(false)).Trim();

    private async Task ChownAsync(string device, string uid, CancellationToken cancellationToken) =>
        _ = await RunAsync("chown", [string.Create(CultureInfo.InvariantCulture, $"{uid}:{options.Value.Group}"), device], cancellationToken).ConfigureAwait(false);

    private static async Task<string> RunAsync(string command, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new NodeManagerException($"devperm: cannot run {command}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new NodeManagerException($"devperm: {command} {string.Join(' ', arguments)} failed: {(await error.ConfigureAwait(false)).Trim()}");
        }

        return await output.ConfigureAwait(false);
    }
}
