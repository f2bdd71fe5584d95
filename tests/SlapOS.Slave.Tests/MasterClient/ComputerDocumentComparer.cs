namespace SlapOS.Tests.Wire;

/// <summary>Compares computer documents by value (records hold dictionaries and lists, compared by reference).</summary>
internal sealed class ComputerDocumentComparer : IEqualityComparer<ComputerDocument>
{
    public static ComputerDocumentComparer Instance { get; } = new();

    public bool Equals(ComputerDocument? x, ComputerDocument? y) =>
        x is not null && y is not null
        && x.ComputerReference == y.ComputerReference
        && x.SoftwareInstallations.SequenceEqual(y.SoftwareInstallations)
        && x.Partitions.Count == y.Partitions.Count
        && x.Partitions.Zip(y.Partitions).All(p => Same(p.First, p.Second));

    public int GetHashCode(ComputerDocument obj) => obj.ComputerReference.GetHashCode(StringComparison.Ordinal);

    public static bool Same(PartitionInstance a, PartitionInstance b) =>
        a with { Parameters = b.Parameters, SharedInstances = b.SharedInstances, Addresses = b.Addresses, ConnectionParameters = b.ConnectionParameters } == b
        && a.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(b.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        && a.ConnectionParameters.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(b.ConnectionParameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        && a.Addresses.SequenceEqual(b.Addresses)
        && a.SharedInstances.Select(s => (s.Reference, s.Title, s.SoftwareType, s.Timestamp)).SequenceEqual(b.SharedInstances.Select(s => (s.Reference, s.Title, s.SoftwareType, s.Timestamp)));
}
