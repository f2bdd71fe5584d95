using System.Text;
using System.Text.Json;
using SlapOS.Wire;

namespace SlapOS.Tests.Wire;

/// <summary>Every marshal document of the captured exchanges: decodes, matches the decoded copy, re-encodes byte-identically.</summary>
public class MarshalGoldenTests
{
    public static TheoryData<string, string> Documents()
    {
        var data = new TheoryData<string, string>();
        foreach (var (exchange, where, _) in AllDocuments())
        {
            data.Add(exchange.File, where);
        }

        return data;
    }

    [Fact]
    public void The_captures_hold_the_156_documents_MARSHAL_md_counts()
    {
        Assert.Equal(156, AllDocuments().Count(d => !d.Where.StartsWith("json:", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_decodes_and_reencodes_byte_identically(string file, string where)
    {
        var document = Find(file, where);

        var value = SlapMarshal.Read(document);

        Assert.Equal(document, SlapMarshal.Write(value));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_decodes_from_a_stream_like_from_a_string(string file, string where)
    {
        var document = Find(file, where);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(document));

        Assert.Equal(document, SlapMarshal.Write(SlapMarshal.Read(stream)));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_decodes_to_the_structure_of_the_decoded_copy(string file, string where)
    {
        var exchange = WireCaptures.All.Single(e => e.File == file);
        var copies = WireCaptures.DecodedCopies(exchange);
        var key = where == "response" ? "response" : where["form:".Length..];
        if (where.StartsWith("json:", StringComparison.Ordinal))
        {
            // Documents nested in HATEOAS JSON have no decoded copy; their round trip is tested above.
            Assert.DoesNotContain(key, copies.Keys);
            return;
        }

        Assert.True(copies.ContainsKey(key), $"{file} has no decoded copy for {key}");
        using var expected = JsonDocument.Parse(copies[key]);

        MarshalValueAssert.Matches(expected.RootElement, SlapMarshal.Read(Find(file, where)));
    }

    [Fact]
    public void Request_088_carries_every_python_type_and_a_shared_reference()
    {
        var value = (Dictionary<object, object?>)SlapMarshal.Read(WireCaptures.BySeq(88).Form("partition_parameter_xml"))!;

        Assert.Equal(System.Numerics.BigInteger.Parse("1000000000000000000000000000000", System.Globalization.CultureInfo.InvariantCulture), value["big"]);
        Assert.Equal(42L, value["int"]);
        Assert.Equal(-7L, value["negative"]);
        Assert.Equal(1.5, value["float"]);
        Assert.Equal(new System.Numerics.Complex(1, 2), value["complex"]);
        Assert.Equal("a&b <c> \"d\" 'e'", value["xml_specials"]);
        Assert.Equal("Wörld ✓ 日本", value["utf8"]);
        Assert.Equal("line1\nline2\ttab", value["multiline"]);
        Assert.Same(value["shared_a"], value["shared_b"]);
    }

    private static string Find(string file, string where) =>
        AllDocuments().Single(d => d.Exchange.File == file && d.Where == where).Document;

    private static IEnumerable<(WireExchange Exchange, string Where, string Document)> AllDocuments()
    {
        foreach (var exchange in WireCaptures.All)
        {
            foreach (var (name, value) in exchange.FormFields.Concat(exchange.QueryFields))
            {
                if (value.StartsWith("<marshal", StringComparison.Ordinal))
                {
                    yield return (exchange, "form:" + name, value);
                }
            }

            var body = exchange.ResponseBody;
            if (body.StartsWith("<marshal", StringComparison.Ordinal))
            {
                yield return (exchange, "response", body);
            }
            else if (body.StartsWith('{') && body.Contains("<marshal", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(body);
                var i = 0;
                foreach (var nested in NestedMarshalStrings(json.RootElement))
                {
                    yield return (exchange, "json:" + i++, nested);
                }
            }
        }
    }

    private static IEnumerable<string> NestedMarshalStrings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when element.GetString()!.StartsWith("<marshal", StringComparison.Ordinal):
                yield return element.GetString()!;
                break;
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject().SelectMany(p => NestedMarshalStrings(p.Value)))
                {
                    yield return p;
                }

                break;
            case JsonValueKind.Array:
                foreach (var p in element.EnumerateArray().SelectMany(NestedMarshalStrings))
                {
                    yield return p;
                }

                break;
        }
    }
}
