using SlapOS.Wire;

namespace SlapOS.Master.Api.Hateoas;

/// <summary>
/// Answers <c>raw_search</c>: the rows of <c>_embedded.contents</c> for a parsed query, limited to
/// what the caller may see. Instance trees are listed by their root; destroyed instances, and shared
/// instances whose host is gone or being destroyed, are not listed. <c>select_list</c> is not needed:
/// every row carries the fields the CLI reads (<c>title</c>, <c>url_string</c>, <c>relative_url</c>,
/// <c>reference</c>).
/// </summary>
internal static class HateoasCatalog
{
    public static Task<List<object?>> SearchAsync(ISlapMaster master, SlapIdentity caller, HateoasQuery query, CancellationToken cancellationToken) => query.Kind switch
    {
        HateoasSearchKind.InstanceTrees => ListTreesAsync(master, caller, query, cancellationToken),
        HateoasSearchKind.Computers => ListComputersAsync(master, caller, query, cancellationToken),
        _ => ListInstancesAsync(master, caller, query, cancellationToken),
    };

    /// <summary>The live roots <paramref name="caller"/> may see, optionally with one title.</summary>
    public static async Task<List<SoftwareInstance>> VisibleRootsAsync(ISlapMaster master, SlapIdentity caller, string? title, CancellationToken cancellationToken)
    {
        var roots = new List<SoftwareInstance>();
        if (HateoasVisibility.RootQuery(caller) is not { } storeQuery)
        {
            return roots;
        }

        await foreach (var instance in master.ListInstancesAsync(storeQuery, cancellationToken))
        {
            if (instance.IsRoot
                && instance.RequestedState != RequestedState.Destroyed
                && (title is null || instance.Title == title)
                && HateoasVisibility.SeesTree(caller, instance)
                && await HostIsAliveAsync(master, instance, cancellationToken))
            {
                roots.Add(instance);
            }
        }

        return roots;
    }

    /// <summary>Whether a shared instance still has a live host (a non-shared instance always "has" one).</summary>
    public static async Task<bool> HostIsAliveAsync(ISlapMaster master, SoftwareInstance instance, CancellationToken cancellationToken)
    {
        if (!instance.Shared)
        {
            return true;
        }

        if (instance.HostInstanceReference is not { } hostReference)
        {
            return false;
        }

        try
        {
            var host = await master.GetInstanceAsync(hostReference, cancellationToken);
            return host.RequestedState != RequestedState.Destroyed && host.ComputerReference is not null;
        }
        catch (SlapNotFoundException)
        {
            return false;
        }
    }

    private static async Task<List<object?>> ListTreesAsync(ISlapMaster master, SlapIdentity caller, HateoasQuery query, CancellationToken cancellationToken)
    {
        var rows = new List<object?>();
        foreach (var root in await VisibleRootsAsync(master, caller, query.Title, cancellationToken))
        {
            rows.Add(root.Shared ? SharedRow(root) : await PartitionRowAsync(master, root, cancellationToken));
        }

        return rows;
    }

    private static async Task<List<object?>> ListComputersAsync(ISlapMaster master, SlapIdentity caller, HateoasQuery query, CancellationToken cancellationToken)
    {
        var rows = new List<object?>();
        await foreach (var computer in master.ListComputersAsync(cancellationToken))
        {
            var title = computer.Title ?? computer.Reference;
            if (HateoasVisibility.SeesComputer(caller, computer)
                && (query.Reference is null || computer.Reference == query.Reference)
                && (query.Title is null || title == query.Title))
            {
                rows.Add(new Dictionary<string, object?>
                {
                    ["address"] = computer.Address,
                    ["netmask"] = computer.Netmask,
                    ["reference"] = computer.Reference,
                    ["relative_url"] = HateoasPaths.Computer(computer.Reference),
                    ["title"] = title,
                });
            }
        }

        return rows;
    }

    private static async Task<List<object?>> ListInstancesAsync(ISlapMaster master, SlapIdentity caller, HateoasQuery query, CancellationToken cancellationToken)
    {
        var rows = new List<object?>();
        foreach (var root in await VisibleRootsAsync(master, caller, query.TreeTitle, cancellationToken))
        {
            await foreach (var instance in master.ListInstancesAsync(new InstanceQuery { RootReference = root.Reference }, cancellationToken))
            {
                if (instance.RequestedState != RequestedState.Destroyed
                    && (query.Title is null || instance.Title == query.Title)
                    && (query.Reference is null || instance.Reference == query.Reference))
                {
                    rows.Add(new Dictionary<string, object?>
                    {
                        ["portal_type"] = instance.Shared ? "Slave Instance" : "Software Instance",
                        ["reference"] = instance.Reference,
                        ["relative_url"] = HateoasPaths.Instance(instance),
                        ["specialise_title"] = root.Title,
                        ["title"] = instance.Title,
                        ["uid"] = instance.Reference,
                        ["url_string"] = instance.SoftwareReleaseUrl,
                    });
                }
            }
        }

        return rows;
    }

    /// <summary>A shared root, as slapproxy lists it: title, release and address only.</summary>
    private static Dictionary<string, object?> SharedRow(SoftwareInstance shared) => new()
    {
        ["relative_url"] = HateoasPaths.Instance(shared),
        ["title"] = shared.Title,
        ["url_string"] = shared.SoftwareReleaseUrl,
    };

    /// <summary>A root that runs in a partition, with the partition fields slapproxy adds to its rows.</summary>
    private static async Task<Dictionary<string, object?>> PartitionRowAsync(ISlapMaster master, SoftwareInstance root, CancellationToken cancellationToken)
    {
        // The host's shared instances are looked up by instance reference, never by partition name:
        // two computers may both have a slappart0 (the slapproxy crash this avoids).
        var hosted = new List<object?>();
        await foreach (var shared in master.ListInstancesAsync(new InstanceQuery { HostInstanceReference = root.Reference, Shared = true }, cancellationToken))
        {
            if (shared.RequestedState == RequestedState.Destroyed)
            {
                continue;
            }

            hosted.Add(SlapWireObjects.ToSharedInstanceEntry(new SharedInstanceEntry(shared.Reference, shared.Title, shared.SoftwareType, shared.Parameters, shared.Timestamp)));
        }

        return new Dictionary<string, object?>
        {
            ["computer_reference"] = root.ComputerReference,
            ["connection_xml"] = ConnectionXml(root),
            ["partition_reference"] = root.Title,
            ["reference"] = root.PartitionReference,
            ["relative_url"] = HateoasPaths.Instance(root),
            ["requested_by"] = root.RequesterReference == InstanceRequest.RootRequester ? string.Empty : root.RequesterReference,
            ["requested_state"] = root.RequestedState.ToWire(),
            ["slap_state"] = root.ComputerReference is null ? "free" : "busy",
            ["slave_instance_list"] = hosted.Count == 0 ? null : SlapMarshal.Write(hosted),
            ["software_release"] = root.SoftwareReleaseUrl,
            ["software_type"] = root.SoftwareType,
            ["timestamp"] = root.Timestamp.Microseconds / 1_000_000d,
            ["title"] = root.Title,
            ["url_string"] = root.SoftwareReleaseUrl,
            ["xml"] = InstanceParameterXml.Write(root.Parameters),
        };
    }

    /// <summary>The published connection parameters as an instance document, or null before any were published.</summary>
    public static string? ConnectionXml(SoftwareInstance instance) =>
        instance.ConnectionParameters.Count == 0 ? null : InstanceParameterXml.Write(instance.ConnectionParameters);
}
