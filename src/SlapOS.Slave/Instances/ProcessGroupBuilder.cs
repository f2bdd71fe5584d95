using SlapOS.Slave.Processes;

namespace SlapOS.Slave.Instances;

/// <summary>
/// Builds a partition's process group from what its profile wrote: <c>etc/service/*</c> (watched: a
/// crash bangs) and <c>etc/run/*</c> (plain). Logs go where slapgrid puts them: <c>.&lt;partition&gt;_&lt;name&gt;.log</c>.
/// </summary>
internal static class ProcessGroupBuilder
{
    public static IReadOnlyList<ProgramDefinition> Build(string partitionReference, string partitionPath, string? user)
    {
        var programs = new List<ProgramDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        Add(PartitionExecutables.ServiceFolder, watched: true);
        Add(PartitionExecutables.RunFolder, watched: false);
        return programs;

        void Add(string folder, bool watched)
        {
            foreach (var executable in PartitionExecutables.List(partitionPath, folder))
            {
                var name = Path.GetFileName(executable);

                // A service and a plain program of the same name: the service wins, a group has unique names.
                if (!names.Add(name))
                {
                    continue;
                }

                programs.Add(new ProgramDefinition
                {
                    Name = name,
                    Command = executable,
                    WorkingDirectory = partitionPath,
                    User = user,
                    Watched = watched,
                    StdoutLogFile = Path.Combine(partitionPath, $".{partitionReference}_{name}.log"),
                });
            }
        }
    }
}
