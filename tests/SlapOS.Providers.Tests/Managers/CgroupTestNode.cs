using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SlapOS.Providers.Managers;

namespace SlapOS.Providers.Tests.Managers;

/// <summary>A cgroup manager on this machine's kernel under a node cgroup of a unique name, removed at the end.</summary>
internal sealed class CgroupTestNode : IDisposable
{
    public CgroupTestNode(Action<CgroupManagerOptions>? configure = null)
    {
        Options = new CgroupManagerOptions { Name = "m19-" + Guid.NewGuid().ToString("N")[..12] };
        configure?.Invoke(Options);
        Manager = new CgroupManager(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<CgroupManager>.Instance);
    }

    public CgroupManagerOptions Options { get; }

    public CgroupManager Manager { get; }

    /// <summary>Removes the node's cgroups (partitions first); every test process must have been killed.</summary>
    public void Dispose()
    {
        foreach (var root in Manager.NodeCgroups().Where(Directory.Exists))
        {
            foreach (var partition in Directory.EnumerateDirectories(root))
            {
                Directory.Delete(partition);
            }

            Directory.Delete(root);
        }
    }
}
