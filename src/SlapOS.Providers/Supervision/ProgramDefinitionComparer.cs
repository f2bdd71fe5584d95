namespace SlapOS.Providers.Supervision;

/// <summary>Compares program definitions by value (lists and environment included), to know whether an update changed a program.</summary>
internal sealed class ProgramDefinitionComparer : IEqualityComparer<ProgramDefinition>
{
    public static readonly ProgramDefinitionComparer Instance = new();

    public bool Equals(ProgramDefinition? x, ProgramDefinition? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null)
        {
            return false;
        }

        return x.Name == y.Name
            && x.Command == y.Command
            && x.WorkingDirectory == y.WorkingDirectory
            && x.User == y.User
            && x.Watched == y.Watched
            && x.AutoRestart == y.AutoRestart
            && x.StdoutLogFile == y.StdoutLogFile
            && x.StderrLogFile == y.StderrLogFile
            && x.StopTimeout == y.StopTimeout
            && x.Arguments.SequenceEqual(y.Arguments)
            && x.Environment.Count == y.Environment.Count
            && x.Environment.All(pair => y.Environment.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    public int GetHashCode(ProgramDefinition obj) => HashCode.Combine(obj.Name, obj.Command, obj.WorkingDirectory);
}
