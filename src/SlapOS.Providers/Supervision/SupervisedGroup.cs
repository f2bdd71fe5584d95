using System.Collections.Concurrent;

namespace SlapOS.Providers.Supervision;

/// <summary>The programs of one partition; group operations are serialized by a gate.</summary>
internal sealed class SupervisedGroup(string name, string directory)
{
    public string Name { get; } = name;

    /// <summary>The directory that holds one state file per program.</summary>
    public string Directory { get; } = directory;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public ConcurrentDictionary<string, SupervisedProgram> Programs { get; } = new(StringComparer.Ordinal);

    public string StateFile(string program) => Path.Combine(Directory, program + ".json");
}
