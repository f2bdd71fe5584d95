using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Api;

/// <summary>Reads the attributes of marshalled SlapOS objects in assertions.</summary>
internal static class Marshalled
{
    public static MarshalObject Object(Answer answer, string className)
    {
        var value = Assert.IsType<MarshalObject>(answer.Marshal());
        Assert.Equal(className, value.ClassName);
        return value;
    }

    public static IDictionary<object, object?> Dict(MarshalObject value, string attribute) =>
        Assert.IsAssignableFrom<IDictionary<object, object?>>(value.Get(attribute));

    public static string? Parameter(MarshalObject value, string key) =>
        Dict(value, "_parameter_dict").TryGetValue(key, out var found) ? found?.ToString() : null;

    public static string Timestamp(MarshalObject value) =>
        Parameter(value, "timestamp") ?? throw new Xunit.Sdk.XunitException("no timestamp in _parameter_dict");

    public static double TimestampValue(MarshalObject value) =>
        double.Parse(Timestamp(value), System.Globalization.CultureInfo.InvariantCulture);

    public static string PartitionOf(MarshalObject instance) =>
        Assert.IsType<string>(instance.Get("slap_computer_partition_id"));

    public static IReadOnlyList<IDictionary<object, object?>> SlaveInstances(MarshalObject partition) =>
        Assert.IsAssignableFrom<IEnumerable<object?>>(Dict(partition, "_parameter_dict")["slave_instance_list"])
            .Cast<IDictionary<object, object?>>().ToList();
}
