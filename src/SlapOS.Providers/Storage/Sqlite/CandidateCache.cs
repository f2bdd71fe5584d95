namespace SlapOS.Providers.Storage.Sqlite;

/// <summary>
/// The computers as allocation sees them, kept in memory by the SQLite store: allocation reads them on every
/// request, and only this process writes the file (another writer is noticed through <c>PRAGMA data_version</c>).
/// </summary>
internal sealed class CandidateCache
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly (Computer Computer, int Free, int Total)[] _computers;
    private readonly HashSet<(string Computer, string Url)> _installed;

    public CandidateCache(IEnumerable<ComputerRow> computers, IEnumerable<(string Computer, string Url)> installed)
    {
        _computers = [.. computers.Select(r => (r.ToComputer(), (int)r.FreePartitions, (int)r.TotalPartitions))];
        for (var i = 0; i < _computers.Length; i++)
        {
            _index[_computers[i].Computer.Reference] = i;
        }

        _installed = [.. installed];
    }

    public long DataVersion { get; init; }

    public IReadOnlyList<AllocationCandidate> For(string softwareReleaseUrl)
    {
        var result = new AllocationCandidate[_computers.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var (computer, free, total) = _computers[i];
            result[i] = new AllocationCandidate(computer, free, total, _installed.Contains((computer.Reference, softwareReleaseUrl)));
        }

        return result;
    }

    /// <summary>Applies a committed change of a computer's free count; false when the computer is unknown (reload).</summary>
    public bool Apply(string computerReference, int freeDelta)
    {
        if (!_index.TryGetValue(computerReference, out var i))
        {
            return false;
        }

        _computers[i].Free += freeDelta;
        return true;
    }
}
