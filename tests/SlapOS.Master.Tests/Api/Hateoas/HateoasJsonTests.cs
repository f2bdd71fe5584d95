using SlapOS.Master.Api.Hateoas;

namespace SlapOS.Master.Tests.Api.Hateoas;

public sealed class HateoasJsonTests
{
    [Fact]
    public void Keys_are_sorted_separators_compact_and_a_newline_ends_the_document()
    {
        var json = HateoasJson.Write(new Dictionary<string, object?>
        {
            ["b"] = new List<object?> { 1, "x", null, true },
            ["_a"] = new Dictionary<string, object?> { ["z"] = 0, ["Y"] = false },
        });

        Assert.Equal("{\"_a\":{\"Y\":false,\"z\":0},\"b\":[1,\"x\",null,true]}\n", json);
    }

    [Fact]
    public void Strings_are_escaped_as_python_json_with_ensure_ascii()
    {
        var json = HateoasJson.Write("a\"b\\c\nd\te/\u0001\u007f W\u00f6rld \u2713 \ud83d\ude00");

        Assert.Equal("\"a\\\"b\\\\c\\nd\\te/\\u0001\\u007f W\\u00f6rld \\u2713 \\ud83d\\ude00\"\n", json);
    }

    [Theory]
    [InlineData(1795545640.6941948, "1795545640.6941948")]
    [InlineData(1795545640d, "1795545640.0")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e-5, "1e-05")]
    public void Floats_are_written_as_python_repr(double value, string expected)
    {
        Assert.Equal(expected + "\n", HateoasJson.Write(value));
    }
}
