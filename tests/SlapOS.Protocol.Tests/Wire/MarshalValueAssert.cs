using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using SlapOS.Wire;

namespace SlapOS.Tests.Wire;

/// <summary>Compares a decoded marshal value with the captures' JSON notation (@tuple, @set, @complex, @object).</summary>
internal static class MarshalValueAssert
{
    public static void Matches(JsonElement expected, object? actual, string path = "$")
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.True(actual is null, $"{path}: expected null, got {actual}");
                return;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.True(actual is bool b && b == expected.GetBoolean(), $"{path}: expected {expected}, got {actual}");
                return;
            case JsonValueKind.String:
                Assert.True(actual is string, $"{path}: expected a string, got {actual?.GetType().Name}");
                Assert.Equal(expected.GetString(), (string)actual!);
                return;
            case JsonValueKind.Number:
                MatchesNumber(expected, actual, path);
                return;
            case JsonValueKind.Array:
                var list = Assert.IsType<List<object?>>(actual);
                MatchesItems(expected, list, path);
                return;
            case JsonValueKind.Object:
                MatchesObject(expected, actual, path);
                return;
            default:
                Assert.Fail($"{path}: unexpected JSON {expected.ValueKind}");
                return;
        }
    }

    private static void MatchesNumber(JsonElement expected, object? actual, string path)
    {
        var raw = expected.GetRawText();
        switch (actual)
        {
            case long l:
                Assert.Equal(raw, l.ToString(CultureInfo.InvariantCulture));
                return;
            case BigInteger big:
                Assert.Equal(raw, big.ToString(CultureInfo.InvariantCulture));
                return;
            case double d:
                Assert.Equal(double.Parse(raw, CultureInfo.InvariantCulture), d);
                return;
            default:
                Assert.Fail($"{path}: expected number {raw}, got {actual?.GetType().Name ?? "null"}");
                return;
        }
    }

    private static void MatchesItems(JsonElement expected, IReadOnlyList<object?> actual, string path)
    {
        Assert.True(expected.GetArrayLength() == actual.Count, $"{path}: expected {expected.GetArrayLength()} items, got {actual.Count}");
        var i = 0;
        foreach (var item in expected.EnumerateArray())
        {
            Matches(item, actual[i], $"{path}[{i}]");
            i++;
        }
    }

    private static void MatchesObject(JsonElement expected, object? actual, string path)
    {
        if (expected.TryGetProperty("@tuple", out var tuple))
        {
            MatchesItems(tuple, Assert.IsType<MarshalTuple>(actual).Items, path + "@tuple");
            return;
        }

        if (expected.TryGetProperty("@set", out var set))
        {
            MatchesItems(set, Assert.IsType<MarshalSet>(actual).Items, path + "@set");
            return;
        }

        if (expected.TryGetProperty("@complex", out var complex))
        {
            var c = Assert.IsType<Complex>(actual);
            Assert.Equal(complex[0].GetDouble(), c.Real);
            Assert.Equal(complex[1].GetDouble(), c.Imaginary);
            return;
        }

        if (expected.TryGetProperty("@object", out var objectName))
        {
            var obj = Assert.IsType<MarshalObject>(actual);
            Assert.Equal(objectName.GetString(), obj.Module + "." + obj.ClassName);
            Matches(expected.GetProperty("@initargs"), obj.InitArgs, path + "@initargs");
            Matches(expected.GetProperty("@state"), obj.State, path + "@state");
            return;
        }

        var dictionary = Assert.IsAssignableFrom<IDictionary>(actual);
        var names = expected.EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(names.Count == dictionary.Count, $"{path}: expected keys [{string.Join(", ", names)}], got [{string.Join(", ", dictionary.Keys.Cast<object>())}]");
        foreach (var property in expected.EnumerateObject())
        {
            Assert.True(dictionary.Contains(property.Name), $"{path}: missing key '{property.Name}'");
            Matches(property.Value, dictionary[property.Name], $"{path}.{property.Name}");
        }
    }
}
