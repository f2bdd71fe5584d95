using CsCheck;
using SlapOS.Wire;

namespace SlapOS.Protocol.Tests.Wire;

/// <summary>
/// Property tests of the xml_marshaller codec on generated values (CsCheck, seeded and shrinking): what is
/// written reads back to a value that writes the same document, and strings and integers come back equal.
/// </summary>
public class MarshalPropertyTests
{
    // Every character XML can carry (no controls but tab and newline, no lone surrogates, no U+FFFE/U+FFFF).
    private static readonly Gen<char> Character = Gen.Frequency(
        (6, Gen.Char[' ', '~']),
        (1, Gen.Const('\n')),
        (1, Gen.Const('\t')),
        (1, Gen.Char['\u00A0', '\uD7FF']),
        (1, Gen.Char['\uE000', '\uFFFD']));

    private static readonly Gen<string> Text = Character.Array[0, 40].Select(chars => new string(chars));

    private static readonly Gen<object?> Scalar = Gen.OneOf(
        Text.Select(s => (object?)s),
        Gen.Long.Select(n => (object?)n),
        Gen.Bool.Select(b => (object?)b),
        Gen.Const(0).Select(_ => (object?)null));

    private static readonly Gen<object?> Value = Gen.Recursive<object?>((depth, value) => depth >= 4
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, value.List[0, 5].Select(items => (object?)items)),
            (1, Gen.Dictionary(Text, value)[0, 5].Select(d => (object?)d.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)))));

    [Fact]
    public void A_written_value_reads_back_to_the_same_document() =>
        Value.Sample(value =>
        {
            var document = SlapMarshal.Write(value);
            Assert.Equal(document, SlapMarshal.Write(SlapMarshal.Read(document)));
        }, iter: 2_000);

    [Fact]
    public void A_string_reads_back_equal() =>
        Text.Sample(text => Assert.Equal(text, SlapMarshal.Read(SlapMarshal.Write(text))), iter: 5_000);

    [Fact]
    public void An_integer_reads_back_equal() =>
        Gen.Long.Sample(n => Assert.Equal(n, Convert.ToInt64(SlapMarshal.Read(SlapMarshal.Write(n)), System.Globalization.CultureInfo.InvariantCulture)), iter: 5_000);

    [Fact]
    public void A_parameter_dictionary_round_trips_through_the_instance_parameters()
    {
        Gen.Dictionary(Text.Where(k => k.Length > 0), Text)[0, 8].Sample(parameters =>
        {
            var read = SlapWireObjects.FlattenParameters(SlapMarshal.Read(SlapMarshal.Write(parameters.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal))), "parameters");
            Assert.Equal(parameters.OrderBy(p => p.Key, StringComparer.Ordinal), read.OrderBy(p => p.Key, StringComparer.Ordinal));
        }, iter: 1_000);
    }
}
