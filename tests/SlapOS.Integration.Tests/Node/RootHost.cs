using SlapOS.Tests;

namespace SlapOS.Integration.Tests.Node;

/// <summary>The removal of what a root formatter made for a test: its Unix users and groups.</summary>
internal static class RootHost
{
    /// <summary>Deletes the users and groups whose names start with <paramref name="prefix"/> (what the root formatter made).</summary>
    public static void RemoveUsersAndGroups(string prefix)
    {
        foreach (var user in File.ReadLines("/etc/passwd").Select(l => l.Split(':')[0]).Where(u => u.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            HostCommand.TryRun("userdel", user);
        }

        foreach (var group in File.ReadLines("/etc/group").Select(l => l.Split(':')[0]).Where(g => g.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            HostCommand.TryRun("groupdel", group);
        }
    }
}
