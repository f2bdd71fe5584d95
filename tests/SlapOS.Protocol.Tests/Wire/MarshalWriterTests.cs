using System.Numerics;
using SlapOS.Wire;

namespace SlapOS.Tests.Wire;

public class MarshalWriterTests
{
    [Theory]
    // Python 3 repr(float).
    [InlineData(1.5, "1.5")]
    [InlineData(3.0, "3.0")]
    [InlineData(-2.25, "-2.25")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e30, "1e+30")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(1795545640.1636472, "1795545640.1636472")]
    [InlineData(0.0, "0.0")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Floats_are_written_as_python_repr(double value, string repr)
    {
        Assert.Equal($"<marshal><float>{repr}</float></marshal>", SlapMarshal.Write(value));
        Assert.Equal(value, (double)SlapMarshal.Read(SlapMarshal.Write(value))!);
    }

    [Fact]
    public void Integers_switch_to_long_at_ten_to_the_24()
    {
        Assert.Equal("<marshal><int>42</int></marshal>", SlapMarshal.Write(42));
        Assert.Equal("<marshal><int>-7</int></marshal>", SlapMarshal.Write(-7L));
        Assert.Equal("<marshal><int>999999999999999999999999</int></marshal>", SlapMarshal.Write(BigInteger.Pow(10, 24) - 1));
        Assert.Equal("<marshal><long>1000000000000000000000000</long></marshal>", SlapMarshal.Write(BigInteger.Pow(10, 24)));
    }

    [Fact]
    public void Strings_are_escaped_twice_and_non_ascii_is_char_referenced()
    {
        Assert.Equal("<marshal><string>a&amp;amp;b &amp;lt;c&amp;gt; \"d\" 'e'</string></marshal>", SlapMarshal.Write("a&b <c> \"d\" 'e'"));
        Assert.Equal("<marshal><string>W&#246;rld &#10003; &#26085;&#26412; &#128512;</string></marshal>", SlapMarshal.Write("Wörld ✓ 日本 😀"));
        Assert.Equal("<marshal><string>a\nb\tc&#13;</string></marshal>", SlapMarshal.Write("a\nb\tc\r"));
        Assert.Equal("<marshal><string></string></marshal>", SlapMarshal.Write(string.Empty));
    }

    [Theory]
    [InlineData("a&b <c> \"d\" 'e'")]
    [InlineData("&lt; already escaped &amp;")]
    [InlineData("<?xml version='1.0' encoding='utf-8'?>\n<instance>\n  <parameter id=\"a\">x&amp;y</parameter>\n</instance>\n")]
    [InlineData("Wörld ✓ 日本 😀 \r\n\t")]
    public void Strings_round_trip(string value)
    {
        Assert.Equal(value, SlapMarshal.Read(SlapMarshal.Write(value)));
    }

    [Fact]
    public void Characters_xml_cannot_carry_are_refused()
    {
        Assert.Throws<SlapMarshalException>(() => SlapMarshal.Write("bell\a"));
        Assert.Throws<SlapMarshalException>(() => SlapMarshal.Write("lone \ud800 surrogate"));
    }

    [Fact]
    public void Dictionary_keys_are_sorted_by_code_point_and_ids_follow_document_order()
    {
        var value = new Dictionary<string, object?>
        {
            ["b"] = new List<object?>(),
            ["_a"] = new Dictionary<string, string>(),
            ["A"] = new MarshalTuple("x", 1L),
            ["a"] = new MarshalSet([3L]),
        };

        Assert.Equal(
            "<marshal><dictionary id=\"i2\"><string>A</string><tuple><string>x</string><int>1</int></tuple>"
            + "<string>_a</string><dictionary id=\"i3\"/><string>a</string><set id=\"i4\"><int>3</int></set>"
            + "<string>b</string><list id=\"i5\"/></dictionary></marshal>",
            SlapMarshal.Write(value));
    }

    [Fact]
    public void The_same_container_twice_is_written_as_a_reference()
    {
        var shared = new List<object?> { "x", 1L };
        var value = new Dictionary<string, object?> { ["shared_a"] = shared, ["shared_b"] = shared };

        var xml = SlapMarshal.Write(value);

        Assert.Equal("<marshal><dictionary id=\"i2\"><string>shared_a</string><list id=\"i3\"><string>x</string><int>1</int></list><string>shared_b</string><reference id=\"i3\"/></dictionary></marshal>", xml);
        var read = (Dictionary<object, object?>)SlapMarshal.Read(xml)!;
        Assert.Same(read["shared_a"], read["shared_b"]);
    }

    [Fact]
    public void Scalars_match_the_wire()
    {
        Assert.Equal("<marshal><none/></marshal>", SlapMarshal.Write(null));
        Assert.Equal("<marshal><bool>0</bool></marshal>", SlapMarshal.Write(false));
        Assert.Equal("<marshal><bool>1</bool></marshal>", SlapMarshal.Write(true));
        Assert.Equal("<marshal><complex>1.0 2.0</complex></marshal>", SlapMarshal.Write(new Complex(1, 2)));
        Assert.Equal("<marshal><tuple/></marshal>", SlapMarshal.Write(new MarshalTuple()));
    }

    [Fact]
    public void Tuples_are_equal_when_their_items_are()
    {
        var read = SlapMarshal.Read("<marshal><tuple><string>slaptap0</string><string>10.0.0.1</string></tuple></marshal>");

        Assert.Equal(new MarshalTuple("slaptap0", "10.0.0.1"), read);
        Assert.Equal(new MarshalTuple("slaptap0", "10.0.0.1").GetHashCode(), read!.GetHashCode());
        Assert.NotEqual(new MarshalTuple("slaptap0", "10.0.0.2"), read);
    }

    [Fact]
    public void Unsupported_types_are_refused()
    {
        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Write(new Uri("http://example.com")));

        Assert.Contains("Uri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Objects_carry_id_module_and_class_in_that_order()
    {
        var obj = MarshalObject.Slap("SoftwareRelease", new MarshalTuple("u", "c"), new Dictionary<object, object?> { ["_software_release"] = "u" });

        Assert.Equal(
            "<marshal><object id=\"i2\" module=\"slapos.slap.slap\" class=\"SoftwareRelease\"><tuple><string>u</string><string>c</string></tuple><dictionary id=\"i3\"><string>_software_release</string><string>u</string></dictionary></object></marshal>",
            SlapMarshal.Write(obj));
    }
}
