using System.Collections;

namespace SlapOS.Wire;

/// <summary>
/// Maps the SlapOS model to and from the marshal objects of the legacy XML API
/// (<c>Computer</c>, <c>ComputerPartition</c>, <c>SoftwareRelease</c>, <c>SoftwareInstance</c>), with the
/// partition parameter dictionary enriched as SlapOS does (<c>ip_list</c>, <c>slap_*</c>, titles,
/// <c>slave_instance_list</c>, <c>timestamp</c>…). Write the result with <see cref="SlapMarshal.Write"/>.
/// </summary>
public static partial class SlapWireObjects
{
    /// <summary>The keys a master adds to a partition's parameters in the node view; stripped again when read.</summary>
    public static IReadOnlySet<string> EnrichmentKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "full_address_list", "instance_title", "ip_list", "root_instance_title", "slap_computer_id",
        "slap_computer_partition_id", "slap_software_release_url", "slap_software_type", "slave_instance_list", "timestamp",
    };

    /// <summary>
    /// Flattens a decoded parameter dictionary (<c>partition_parameter_xml</c>, <c>filter_xml</c>,
    /// <c>connection_xml</c>) to strings with Python's <c>str()</c>, as SlapOS stores them:
    /// <c>42</c> → <c>"42"</c>, <c>None</c> → <c>"None"</c>, lists and dicts as their Python repr.
    /// </summary>
    /// <exception cref="SlapMarshalException">The value is not a dictionary.</exception>
    public static IReadOnlyDictionary<string, string> FlattenParameters(object? value, string field)
    {
        if (value is not IDictionary dictionary)
        {
            throw new SlapMarshalException($"{field} must be a dictionary, not {Describe(value)}");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dictionary)
        {
            result[PythonRepr.Str(entry.Key)] = PythonRepr.Str(entry.Value);
        }

        return result;
    }

    /// <summary>The marshalled form of string parameters, as a client sends them (a dictionary of strings).</summary>
    public static Dictionary<object, object?> ToDictionary(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new Dictionary<object, object?>();
        foreach (var (key, value) in parameters)
        {
            result[key] = value;
        }

        return result;
    }

    private static string Describe(object? value) => value switch
    {
        null => "none",
        MarshalObject o => "object " + o.ClassName,
        _ => value.GetType().Name,
    };
}
