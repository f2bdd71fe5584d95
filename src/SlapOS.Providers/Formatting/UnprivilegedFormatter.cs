using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace SlapOS.Providers.Formatting;

/// <summary>
/// Formats partitions without privileges, for development and CI: each partition is a directory
/// (mode 0750, owned by the running user) with an IPv4 address derived from its index in a loopback
/// range (stable across runs, nothing to store) and the shared IPv6 loopback address. No users, no
/// taps. Shrinking removes only free extra partitions whose directory is empty: busy ones, and free
/// ones that still hold files, are kept and returned.
/// </summary>
internal sealed class UnprivilegedFormatter : IPartitionFormatter
{
    private const UnixFileMode PartitionMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private readonly UnprivilegedFormatterOptions options;
    private readonly IPNetwork range;
    private readonly string netmask;

    public UnprivilegedFormatter(IOptions<UnprivilegedFormatterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        range = IPNetwork.Parse(this.options.Ipv4Range);
        var mask = range.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - range.PrefixLength);
        netmask = new IPAddress(BinaryPrimitives.ReverseEndianness(mask)).ToString();
    }

    /// <summary>How many partitions the IPv4 range can address (network and broadcast addresses excluded).</summary>
    public int Capacity => (int)Math.Min(int.MaxValue, (1L << (32 - range.PrefixLength)) - 2);

    public Task<IReadOnlyList<ComputerPartition>> FormatAsync(PartitionLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        SlapReference.Validate(layout.ComputerReference, "computer_reference");
        SlapReference.Validate(layout.PartitionPrefix, "partition_prefix");
        if (layout.PartitionAmount < 0 || layout.PartitionAmount > Capacity)
        {
            throw new SlapValidationException("partition_amount", $"must be between 0 and {Capacity} (the size of {options.Ipv4Range})");
        }

        Directory.CreateDirectory(layout.InstanceRoot);
        var indexes = new SortedSet<int>(Enumerable.Range(0, layout.PartitionAmount));
        foreach (var (index, path) in ExistingPartitions(layout))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (index < layout.PartitionAmount)
            {
                continue;
            }

            var reference = layout.PartitionPrefix + index.ToString(CultureInfo.InvariantCulture);
            if (layout.BusyPartitions.Contains(reference) || Directory.EnumerateFileSystemEntries(path).Any() || index >= Capacity)
            {
                indexes.Add(index);
            }
            else
            {
                Directory.Delete(path);
            }
        }

        var partitions = new List<ComputerPartition>(indexes.Count);
        foreach (var index in indexes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var reference = layout.PartitionPrefix + index.ToString(CultureInfo.InvariantCulture);
            EnsureDirectory(layout.PartitionPath(reference));
            partitions.Add(new ComputerPartition
            {
                ComputerReference = layout.ComputerReference,
                Reference = reference,
                Addresses = index < Capacity
                    ? [new PartitionAddress(Ipv4Address(index).ToString(), netmask, options.NetworkInterface), Ipv6()]
                    : [Ipv6()],
                State = layout.BusyPartitions.Contains(reference) ? PartitionState.Busy : PartitionState.Free,
            });
        }

        return Task.FromResult<IReadOnlyList<ComputerPartition>>(partitions);
    }

    public Task WipeAsync(PartitionLayout layout, string partitionReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var path = PartitionDirectory.Empty(layout, partitionReference, cancellationToken);

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, PartitionMode);
        }

        return Task.CompletedTask;
    }

    private static IEnumerable<(int Index, string Path)> ExistingPartitions(PartitionLayout layout)
    {
        foreach (var path in Directory.EnumerateDirectories(layout.InstanceRoot, layout.PartitionPrefix + "*"))
        {
            var suffix = Path.GetFileName(path.AsSpan())[layout.PartitionPrefix.Length..];
            if (suffix.Length is > 0 and < 10
                && int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index.ToString(CultureInfo.InvariantCulture).AsSpan().SequenceEqual(suffix)
                && new DirectoryInfo(path).LinkTarget is null)
            {
                yield return (index, path);
            }
        }
    }

    private static void EnsureDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, PartitionMode);
        }

        // Created under a umask, or changed by hand: the mode is part of the partition contract.
        if (File.GetUnixFileMode(path) != PartitionMode)
        {
            File.SetUnixFileMode(path, PartitionMode);
        }
    }

    private IPAddress Ipv4Address(int index)
    {
        var start = BinaryPrimitives.ReadUInt32BigEndian(range.BaseAddress.GetAddressBytes());
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, start + (uint)index + 1);
        return new IPAddress(bytes);
    }

    private PartitionAddress Ipv6() =>
        new(options.Ipv6Address, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", options.NetworkInterface);
}
