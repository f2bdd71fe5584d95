using System.Collections;

namespace SlapOS.Wire;

public static partial class SlapWireObjects
{
    /// <summary>Reads a <c>Computer</c> object (<c>getFullComputerInformation</c>) into the node's computer document.</summary>
    /// <exception cref="SlapMarshalException">The value is not a well-formed Computer.</exception>
    public static ComputerDocument ReadComputer(object? value)
    {
        var computer = Expect(value, "Computer");
        var reference = RequireString(computer, "_computer_id");
        var partitions = OptionalList(computer, "_computer_partition_list")
            .Select(p => ReadComputerPartition(p))
            .ToList();
        var installations = new List<SoftwareInstallation>();
        foreach (var item in OptionalList(computer, "_software_release_list"))
        {
            var release = Expect(item, "SoftwareRelease");
            var state = OptionalString(release, "_requested_state");
            installations.Add(new SoftwareInstallation
            {
                ComputerReference = OptionalString(release, "_computer_guid") ?? reference,
                SoftwareReleaseUrl = RequireString(release, "_software_release"),
                RequestedState = state is null ? SupplyState.Available : State(() => SlapStates.ParseSupplyState(state, "_requested_state")),
            });
        }

        return new ComputerDocument(reference, installations, partitions);
    }

    /// <summary>Reads a <c>ComputerPartition</c> object (node view) into a partition; the enrichment keys become fields.</summary>
    /// <exception cref="SlapMarshalException">The value is not a well-formed ComputerPartition.</exception>
    public static PartitionInstance ReadComputerPartition(object? value)
    {
        var partition = Expect(value, "ComputerPartition");
        var computer = OptionalString(partition, "_computer_id") ?? string.Empty;
        var reference = RequireString(partition, "_partition_id");
        if (partition.Get("_parameter_dict") is not IDictionary parameters)
        {
            return new PartitionInstance { ComputerReference = computer, PartitionReference = reference };
        }

        var release = partition.Get("_software_release_document") is MarshalObject document && document.Is("SoftwareRelease")
            ? OptionalString(document, "_software_release")
            : null;
        var timestamp = ParseTimestamp(parameters["timestamp"]);
        var shared = new List<SharedInstanceEntry>();
        if (parameters["slave_instance_list"] is IEnumerable list and not string)
        {
            foreach (var item in list)
            {
                var entry = ReadStrings(item, "slave_instance_list item");
                var own = entry.Where(p => p.Key is not ("slave_reference" or "slave_title" or "slap_software_type"))
                    .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                var sharedReference = entry.GetValueOrDefault("slave_reference") ?? throw new SlapMarshalException("a slave_instance_list item has no slave_reference");
                shared.Add(new SharedInstanceEntry(
                    sharedReference,
                    entry.GetValueOrDefault("slave_title") ?? sharedReference,
                    entry.GetValueOrDefault("slap_software_type") ?? InstanceRequest.DefaultSoftwareType,
                    own,
                    timestamp ?? default));
            }
        }

        var strings = ReadStrings(parameters, "_parameter_dict", skip: EnrichmentKeys);
        return new PartitionInstance
        {
            ComputerReference = computer,
            PartitionReference = reference,
            InstanceReference = OptionalString(partition, "_instance_guid"),
            Title = parameters["instance_title"] as string,
            RootTitle = parameters["root_instance_title"] as string,
            SoftwareReleaseUrl = release ?? parameters["slap_software_release_url"] as string,
            SoftwareType = parameters["slap_software_type"] as string ?? InstanceRequest.DefaultSoftwareType,
            RequestedState = State(() => SlapStates.ParseRequestedState(OptionalString(partition, "_requested_state") ?? "started", "_requested_state")),
            Parameters = strings,
            SharedInstances = shared,
            Addresses = ReadIpList(parameters["ip_list"]),
            Timestamp = timestamp,
            ConnectionParameters = partition.Get("_connection_dict") is { } connection ? ReadStrings(connection, "_connection_dict") : new Dictionary<string, string>(),
        };
    }

    /// <summary>
    /// Reads a <c>requestComputerPartition</c> answer (a <c>SoftwareInstance</c>, or the <c>ComputerPartition</c>
    /// some masters answer for special shared requests) into the instance the request produced.
    /// The XML API does not say who the root is: a root request is its own root, a child's root is its requester.
    /// What the instance's node last reported comes from <c>_access_status</c> (<see cref="SlapAccessStatus"/>), when
    /// the master sends it (ours and the production master do; slapproxy, which ignores reports, does not).
    /// </summary>
    /// <exception cref="SlapMarshalException">The value is not a request answer.</exception>
    public static SoftwareInstance ReadSoftwareInstance(object? value, InstanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (value is MarshalObject { ClassName: "ComputerPartition" } partitionAnswer && partitionAnswer.Is("ComputerPartition"))
        {
            var partitionReference = RequireString(partitionAnswer, "_partition_id");
            var (partitionReported, partitionError) = SlapAccessStatus.Parse(OptionalString(partitionAnswer, "_access_status"));
            return Instance(request, OptionalString(partitionAnswer, "_instance_guid") ?? partitionReference) with
            {
                ReportedState = partitionReported,
                ErrorMessage = partitionError,
                ComputerReference = OptionalString(partitionAnswer, "_computer_id"),
                PartitionReference = partitionReference,
                ConnectionParameters = partitionAnswer.Get("_connection_dict") is { } c ? ReadStrings(c, "_connection_dict") : new Dictionary<string, string>(),
                Parameters = partitionAnswer.Get("_parameter_dict") is { } p ? ReadStrings(p, "_parameter_dict", EnrichmentKeys) : request.Parameters,
            };
        }

        var answer = Expect(value, "SoftwareInstance");
        var parameters = answer.Get("_parameter_dict") as IDictionary;
        var state = OptionalString(answer, "_requested_state");
        var (reported, error) = SlapAccessStatus.Parse(OptionalString(answer, "_access_status"));
        return Instance(request, OptionalString(answer, "_instance_guid") ?? request.Title) with
        {
            SoftwareReleaseUrl = OptionalString(answer, "slap_software_release_url") ?? request.SoftwareReleaseUrl,
            SoftwareType = OptionalString(answer, "slap_software_type") ?? request.SoftwareType,
            Parameters = parameters is null ? request.Parameters : ReadStrings(parameters, "_parameter_dict", skip: EnrichmentKeys),
            RequestedState = state is null ? request.State : State(() => SlapStates.ParseRequestedState(state, "_requested_state")),
            ComputerReference = OptionalString(answer, "slap_computer_id"),
            PartitionReference = OptionalString(answer, "slap_computer_partition_id"),
            ConnectionParameters = answer.Get("_connection_dict") is { } connection ? ReadStrings(connection, "_connection_dict") : new Dictionary<string, string>(),
            Timestamp = (parameters is null ? null : ParseTimestamp(parameters["timestamp"])) ?? default,
            ReportedState = reported,
            ErrorMessage = error,
        };
    }

    /// <summary>The partition addresses of an <c>ip_list</c> (list of (interface, address) tuples); netmasks are not on the wire.</summary>
    public static IReadOnlyList<PartitionAddress> ReadIpList(object? value)
    {
        if (value is not IEnumerable items || value is string)
        {
            return [];
        }

        var result = new List<PartitionAddress>();
        foreach (var item in items)
        {
            if (item is not MarshalTuple { Items: [string iface, string address] })
            {
                throw new SlapMarshalException("an ip_list item must be a (interface, address) tuple");
            }

            result.Add(new PartitionAddress(address, string.Empty, iface));
        }

        return result;
    }

    /// <summary>Reads the dictionary <c>slapos node format</c> posts (<c>loadComputerConfigurationFromXML</c>).</summary>
    /// <exception cref="SlapMarshalException">The value misses the computer reference or has a malformed partition.</exception>
    public static ComputerFormat ReadComputerFormat(object? value)
    {
        if (value is not IDictionary computer)
        {
            throw new SlapMarshalException($"the format must be a dictionary, not {Describe(value)}");
        }

        var reference = computer["reference"] as string;
        if (string.IsNullOrEmpty(reference))
        {
            throw new SlapMarshalException("the format has no computer reference");
        }

        var partitions = new List<ComputerPartition>();
        if (computer["partition_list"] is IEnumerable list and not string)
        {
            foreach (var item in list)
            {
                if (item is not IDictionary partition || partition["reference"] is not string partitionReference || partitionReference.Length == 0)
                {
                    throw new SlapMarshalException("each partition_list item must be a dictionary with a reference");
                }

                PartitionTap? tap = null;
                if (partition["tap"] is IDictionary tapDictionary && tapDictionary["name"] is string { Length: > 0 } tapName)
                {
                    tap = new PartitionTap(
                        tapName,
                        tapDictionary["ipv4_addr"] as string,
                        tapDictionary["ipv4_gateway"] as string,
                        tapDictionary["ipv4_netmask"] as string,
                        tapDictionary["ipv4_network"] as string);
                }

                var addresses = new List<PartitionAddress>();
                if (partition["address_list"] is IEnumerable addressList and not string)
                {
                    foreach (var a in addressList)
                    {
                        if (a is not IDictionary address || address["addr"] is not string addr)
                        {
                            throw new SlapMarshalException($"partition {partitionReference}: each address_list item needs an addr");
                        }

                        // slapproxy and slapgrid name the partition's addresses after its tap interface.
                        addresses.Add(new PartitionAddress(addr, address["netmask"] as string ?? string.Empty, tap?.Name));
                    }
                }

                partitions.Add(new ComputerPartition
                {
                    ComputerReference = reference,
                    Reference = partitionReference,
                    Addresses = addresses,
                    Tap = tap,
                });
            }
        }

        return new ComputerFormat(reference, computer["address"] as string, computer["netmask"] as string, partitions);
    }

    private static SoftwareInstance Instance(InstanceRequest request, string reference) => new()
    {
        Reference = reference,
        Title = request.Title,
        RequesterReference = request.RequesterReference,
        RootReference = request.RequesterReference == InstanceRequest.RootRequester ? reference : request.RequesterReference,
        SoftwareReleaseUrl = request.SoftwareReleaseUrl,
        SoftwareType = request.SoftwareType,
        Parameters = request.Parameters,
        Sla = request.Sla,
        RequestedState = request.State,
        Shared = request.Shared,
    };

    /// <summary>A state word from the wire: an unknown one is a malformed document (found by WireFuzzTests).</summary>
    private static T State<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (SlapValidationException ex)
        {
            throw new SlapMarshalException(ex.Message, ex);
        }
    }

    private static InstanceTimestamp? ParseTimestamp(object? value)
    {
        var text = value switch
        {
            string s => s,
            double or long => PythonRepr.Str(value),
            _ => null,
        };

        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return InstanceTimestamp.Parse(text);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new SlapMarshalException($"timestamp '{text}' is not a number", ex);
        }
    }

    /// <summary>A dictionary of user values: <c>None</c> reads as an empty string, other non-strings as Python's <c>str()</c>.</summary>
    private static Dictionary<string, string> ReadStrings(object? value, string what, IReadOnlySet<string>? skip = null)
    {
        if (value is not IDictionary dictionary)
        {
            throw new SlapMarshalException($"{what} must be a dictionary, not {Describe(value)}");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dictionary)
        {
            var key = PythonRepr.Str(entry.Key);
            if (skip?.Contains(key) == true)
            {
                continue;
            }

            result[key] = entry.Value is null ? string.Empty : PythonRepr.Str(entry.Value);
        }

        return result;
    }

    private static MarshalObject Expect(object? value, string className) =>
        value is MarshalObject obj && obj.Is(className)
            ? obj
            : throw new SlapMarshalException($"expected a {className} object, not {Describe(value)}");

    private static string RequireString(MarshalObject obj, string name) =>
        obj.Get(name) as string ?? throw new SlapMarshalException($"{obj.ClassName}.{name} must be a string");

    private static string? OptionalString(MarshalObject obj, string name) => obj.Get(name) switch
    {
        null => null,
        string s => s,
        var other => throw new SlapMarshalException($"{obj.ClassName}.{name} must be a string, not {Describe(other)}"),
    };

    private static List<object?> OptionalList(MarshalObject obj, string name) => obj.Get(name) switch
    {
        null => [],
        List<object?> list => list,
        var other => throw new SlapMarshalException($"{obj.ClassName}.{name} must be a list, not {Describe(other)}"),
    };
}
