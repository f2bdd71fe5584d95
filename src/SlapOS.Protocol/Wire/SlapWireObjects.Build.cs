namespace SlapOS.Wire;

public static partial class SlapWireObjects
{
    /// <summary>The literal SlapOS puts in <c>slap_server_url</c> of a request answer.</summary>
    private const string SlapServerUrl = "slap_server_url";

    /// <summary>The <c>Computer</c> object a master answers to <c>getFullComputerInformation</c>.</summary>
    public static MarshalObject ToComputer(ComputerDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var partitions = document.Partitions.Select(p => (object?)ToComputerPartition(p)).ToList();
        var releases = document.SoftwareInstallations.Select(s => (object?)MarshalObject.Slap(
            "SoftwareRelease",
            new MarshalTuple(s.SoftwareReleaseUrl, s.ComputerReference),
            new Dictionary<object, object?>
            {
                ["_computer_guid"] = s.ComputerReference,
                ["_requested_state"] = s.RequestedState.ToWire(),
                ["_software_instance_list"] = new List<object?>(),
                ["_software_release"] = s.SoftwareReleaseUrl,
            })).ToList();

        return MarshalObject.Slap(
            "Computer",
            new MarshalTuple(document.ComputerReference),
            new Dictionary<object, object?>
            {
                ["_computer_id"] = document.ComputerReference,
                ["_computer_partition_list"] = partitions,
                ["_software_release_list"] = releases,
            });
    }

    /// <summary>
    /// The node view of one partition (<c>registerComputerPartition</c>, and each partition of
    /// <see cref="ToComputer"/>): a free partition when <see cref="PartitionInstance.SoftwareReleaseUrl"/> is
    /// <see langword="null"/>, otherwise the instance with its enriched parameter dictionary.
    /// </summary>
    public static MarshalObject ToComputerPartition(PartitionInstance partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var computer = partition.ComputerReference;
        var state = new Dictionary<object, object?>
        {
            ["_computer_id"] = computer,
            ["_partition_id"] = partition.PartitionReference,
            ["_request_dict"] = null,
        };

        if (partition.SoftwareReleaseUrl is null)
        {
            state["_instance_guid"] = computer + "-" + partition.PartitionReference;
            state["_need_modification"] = 0L;
            state["_requested_state"] = RequestedState.Destroyed.ToWire();
            state["_software_release_document"] = null;
        }
        else
        {
            var parameters = UserValues(partition.Parameters);
            parameters["full_address_list"] = new List<object?>();
            parameters["instance_title"] = partition.Title;
            parameters["ip_list"] = IpList(partition.Addresses, partition.PartitionReference);
            parameters["root_instance_title"] = partition.RootTitle ?? partition.Title;
            parameters["slap_computer_id"] = computer;
            parameters["slap_computer_partition_id"] = partition.PartitionReference;
            parameters["slap_software_release_url"] = partition.SoftwareReleaseUrl;
            parameters["slap_software_type"] = partition.SoftwareType;
            parameters["slave_instance_list"] = partition.SharedInstances.Select(s => (object?)ToSharedInstanceEntry(s)).ToList();
            parameters["timestamp"] = partition.Timestamp?.ToString();

            state["_connection_dict"] = UserValues(partition.ConnectionParameters);
            state["_instance_guid"] = partition.InstanceReference ?? computer + "-" + partition.PartitionReference;
            state["_need_modification"] = 1L;
            state["_parameter_dict"] = parameters;
            state["_requested_state"] = partition.RequestedState.ToWire();
            state["_software_release_document"] = MarshalObject.Slap(
                "SoftwareRelease",
                new MarshalTuple(partition.SoftwareReleaseUrl, computer),
                new Dictionary<object, object?>
                {
                    ["_computer_guid"] = computer,
                    ["_software_instance_list"] = new List<object?>(),
                    ["_software_release"] = partition.SoftwareReleaseUrl,
                });
        }

        return MarshalObject.Slap("ComputerPartition", new MarshalTuple(computer, partition.PartitionReference, null), state);
    }

    /// <summary>
    /// The <c>SoftwareInstance</c> object a master answers to <c>requestComputerPartition</c>.
    /// <paramref name="addresses"/> are those of the partition that runs (or, for a shared instance, hosts) it.
    /// </summary>
    public static MarshalObject ToSoftwareInstance(SoftwareInstance instance, IReadOnlyList<PartitionAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(addresses);
        var parameters = UserValues(instance.Parameters);
        var state = new Dictionary<object, object?>
        {
            ["_connection_dict"] = UserValues(instance.ConnectionParameters),
            ["_parameter_dict"] = parameters,
            ["ip_list"] = IpList(addresses, instance.PartitionReference ?? string.Empty),
            ["slap_computer_id"] = instance.ComputerReference,
            ["slap_computer_partition_id"] = instance.PartitionReference,
            ["slap_server_url"] = SlapServerUrl,
            ["slap_software_release_url"] = instance.SoftwareReleaseUrl,
            ["slap_software_type"] = instance.SoftwareType,
        };

        if (!instance.Shared)
        {
            parameters["timestamp"] = instance.Timestamp.ToString();
            state["_instance_guid"] = instance.Reference;
            state["_requested_state"] = instance.RequestedState.ToWire();
            state["connection_xml"] = instance.ConnectionParameters.Count == 0 ? null : InstanceParameterXml.Write(instance.ConnectionParameters);
        }

        // What its node last reported, in the production master's words (the slap library's getAccessStatus()):
        // how a requester, or a master that forwarded the request here, learns it over XML.
        if (SlapAccessStatus.ToText(instance.ReportedState, instance.ErrorMessage) is { } accessStatus)
        {
            state["_access_status"] = accessStatus;
        }

        return MarshalObject.Slap("SoftwareInstance", new MarshalTuple(), state);
    }

    /// <summary>The dictionary <c>slapos node format</c> posts to <c>loadComputerConfigurationFromXML</c> (the fields a master reads).</summary>
    public static Dictionary<object, object?> ToFormatDictionary(ComputerFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var partitions = new List<object?>();
        foreach (var partition in format.Partitions)
        {
            var tap = new Dictionary<object, object?> { ["name"] = partition.Tap?.Name ?? string.Empty };
            if (partition.Tap is { } t)
            {
                AddIfSet(tap, "ipv4_addr", t.Ipv4Address);
                AddIfSet(tap, "ipv4_gateway", t.Ipv4Gateway);
                AddIfSet(tap, "ipv4_netmask", t.Ipv4Netmask);
                AddIfSet(tap, "ipv4_network", t.Ipv4Network);
            }

            partitions.Add(new Dictionary<object, object?>
            {
                ["address_list"] = partition.Addresses
                    .Select(a => (object?)new Dictionary<object, object?> { ["addr"] = a.Address, ["netmask"] = a.Netmask })
                    .ToList(),
                ["reference"] = partition.Reference,
                ["tap"] = tap,
            });
        }

        return new Dictionary<object, object?>
        {
            ["address"] = format.Address,
            ["netmask"] = format.Netmask,
            ["partition_list"] = partitions,
            ["reference"] = format.ComputerReference,
        };
    }

    private static void AddIfSet(Dictionary<object, object?> dictionary, string key, string? value)
    {
        if (value is not null)
        {
            dictionary[key] = value;
        }
    }

    /// <summary>One entry of a host's <c>slave_instance_list</c>: the shared instance's parameters plus <c>slap_software_type</c>, <c>slave_reference</c>, <c>slave_title</c>.</summary>
    public static Dictionary<object, object?> ToSharedInstanceEntry(SharedInstanceEntry shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        var entry = new Dictionary<object, object?>();
        foreach (var (key, value) in shared.Parameters)
        {
            entry[key] = value;
        }

        entry["slap_software_type"] = shared.SoftwareType;
        entry["slave_reference"] = shared.Reference;
        entry["slave_title"] = shared.Title;
        return entry;
    }

    /// <summary>User values as SlapOS sends them back: an empty string comes back as <c>None</c> (its stored form has no text).</summary>
    private static Dictionary<object, object?> UserValues(IReadOnlyDictionary<string, string> values)
    {
        var result = new Dictionary<object, object?>();
        foreach (var (key, value) in values)
        {
            result[key] = string.IsNullOrEmpty(value) ? null : value;
        }

        return result;
    }

    private static List<object?> IpList(IReadOnlyList<PartitionAddress> addresses, string partitionReference) =>
        addresses.Select(a => (object?)new MarshalTuple(
            string.IsNullOrEmpty(a.NetworkInterface) ? partitionReference : a.NetworkInterface,
            a.Address)).ToList();
}
