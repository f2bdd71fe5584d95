using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Managers;

namespace SlapOS.Providers.Tests.Managers;

/// <summary>The device permission manager on real device nodes made under /dev (root).</summary>
public sealed class DevpermManagerTests : IDisposable
{
    private const string PartitionUid = "61019";
    private readonly string _root = Directory.CreateTempSubdirectory("m19-devperm-").FullName;
    private readonly DeviceNode _allowed = new();
    private readonly DeviceNode _forbidden = new();

    public void Dispose()
    {
        _allowed.Dispose();
        _forbidden.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task An_allowed_device_is_given_to_the_partition_owner_and_taken_back_at_destruction()
    {
        var manager = Manager();
        var partition = Partition("m19dev0");
        var link = Path.Combine(_root, "disk-link");
        File.CreateSymbolicLink(link, _allowed.Path);
        Request(partition, link);

        await manager.AfterInstanceAsync(partition, CancellationToken.None);

        Assert.Equal(PartitionUid + ":disk", DeviceNode.Owner(_allowed.Path));

        await manager.BeforeDestroyAsync(partition, CancellationToken.None);

        Assert.Equal("0:disk", DeviceNode.Owner(_allowed.Path));
    }

    [Fact]
    public async Task A_device_not_allowed_is_refused_and_reported_and_a_device_no_longer_listed_is_taken_back()
    {
        var manager = Manager();
        var partition = Partition("m19dev1");
        Request(partition, _allowed.Path, _forbidden.Path);

        var error = await Assert.ThrowsAsync<NodeManagerException>(() => manager.AfterInstanceAsync(partition, CancellationToken.None));

        Assert.Contains(_forbidden.Path, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("0:", DeviceNode.Owner(_forbidden.Path), StringComparison.Ordinal);
        Assert.Equal(PartitionUid + ":disk", DeviceNode.Owner(_allowed.Path));

        Request(partition);
        await manager.AfterInstanceAsync(partition, CancellationToken.None);

        Assert.Equal("0:disk", DeviceNode.Owner(_allowed.Path));
    }

    [Fact]
    public async Task A_malformed_request_file_is_reported()
    {
        var partition = Partition("m19dev2");
        File.WriteAllText(Path.Combine(partition.PartitionPath, DevpermManager.DiskPermissionFile), "{\"disk\": 3}");

        var error = await Assert.ThrowsAsync<NodeManagerException>(() => Manager().AfterInstanceAsync(partition, CancellationToken.None));

        Assert.Contains("JSON list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_without_allowed_devices_are_refused()
    {
        var result = new DevpermManagerOptionsValidator().Validate(null, new DevpermManagerOptions());

        Assert.True(result.Failed);
        Assert.Contains("AllowedDevices", result.FailureMessage, StringComparison.Ordinal);
    }

    internal static DevpermManager Manager(string device)
    {
        var options = new DevpermManagerOptions();
        options.AllowedDevices.Add(device);
        return new DevpermManager(Options.Create(options), NullLogger<DevpermManager>.Instance);
    }

    private DevpermManager Manager() => Manager(_allowed.Path);

    private static void Request(NodeManagerPartition partition, params string[] devices) =>
        File.WriteAllText(
            Path.Combine(partition.PartitionPath, DevpermManager.DiskPermissionFile),
            System.Text.Json.JsonSerializer.Serialize(devices.Select(d => new Dictionary<string, string> { ["disk"] = d })));

    private NodeManagerPartition Partition(string reference)
    {
        var path = Path.Combine(_root, reference);
        Directory.CreateDirectory(path);
        DeviceNode.Run("chown", PartitionUid, path);
        return new NodeManagerPartition { ComputerReference = "COMP-M19", PartitionReference = reference, PartitionPath = path };
    }
}
