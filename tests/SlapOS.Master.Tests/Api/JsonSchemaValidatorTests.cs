using System.Text.Json;
using SlapOS.Master.Api.Json;
using SlapOS.Wire;

namespace SlapOS.Master.Tests.Api;

public class JsonSchemaValidatorTests
{
    private static string? Validate(string path, string body)
    {
        using var document = JsonDocument.Parse(body);
        return JsonSchemaValidator.Validate(document.RootElement, JsonApiSchemas.ByPath[path]);
    }

    // Request bodies and answers from the slapproxy captures (slap-wire json/124, 128, 192, 193, 194).
    [Theory]
    [InlineData("/slapos.put.v0.compute_node_format", """{"compute_partition_list": []}""", "'computer_guid' is a required property")]
    [InlineData("/slapos.post.v0.software_installation", """{"software_release_uri": "https://example.com/sr/kvm/software.cfg", "computer_guid": "COMP-2", "state": "foo"}""", "'foo' is not one of ['available', 'destroyed']")]
    [InlineData("/slapos.get.v0.hateoas_url", """{"foo": "bar"}""", "Additional properties are not allowed ('foo' was unexpected)")]
    [InlineData("/slapos.post.v0.software_instance", """{"title": "x", "software_release_uri": "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg"}""", "'software_type' is a required property")]
    [InlineData("/slapos.post.v0.software_instance", """{"title": "x", "software_release_uri": "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg", "software_type": "default", "parameters": "a=b"}""", "'a=b' is not of type 'object'")]
    public void Errors_are_worded_as_slapos_words_them(string path, string body, string expected)
    {
        Assert.Equal(expected, Validate(path, body));
    }

    [Theory]
    [InlineData("/slapos.put.v0.compute_node_format", """{"computer_guid": "COMP-2", "compute_partition_list": [{"partition_id": "slappart0", "ip_list": [{"ip-address": "127.0.1.10", "network-interface": "tap0"}]}]}""")]
    [InlineData("/slapos.post.v0.software_instance", """{"title": "json-root", "software_release_uri": "https://example.com/sr", "software_type": "mytype", "parameters": {"name": "JSON", "n": 42}, "sla_parameters": {"computer_guid": "COMP-2"}, "shared": false, "state": "stopped"}""")]
    [InlineData("/slapos.allDocs.v0.instance_tree_list", "{}")]
    public void Valid_bodies_pass(string path, string body)
    {
        Assert.Null(Validate(path, body));
    }

    [Theory]
    [InlineData("""{"computer_guid": "C", "compute_partition_list": [{"ip_list": []}]}""", "'partition_id' is a required property")]
    [InlineData("""{"computer_guid": 42, "compute_partition_list": []}""", "42 is not of type 'string'")]
    [InlineData("""{"computer_guid": "C", "compute_partition_list": {}}""", "{} is not of type 'array'")]
    public void Nested_errors_are_found(string body, string expected)
    {
        Assert.Equal(expected, Validate("/slapos.put.v0.compute_node_format", body));
    }

    [Fact]
    public void Sla_values_must_be_strings()
    {
        var body = """{"title": "x", "software_release_uri": "https://e.com/s", "software_type": "t", "sla_parameters": {"max_price": null}}""";
        Assert.Equal("None is not of type 'string'", Validate("/slapos.post.v0.software_instance", body));
    }

    [Theory]
    [InlineData("it's", "\"it's\"")]
    [InlineData("plain", "'plain'")]
    [InlineData("a\nb", "'a\\nb'")]
    public void Strings_are_quoted_as_python_repr(string text, string expected)
    {
        Assert.Equal(expected, PythonRepr.Quote(text));
    }

    // The JSON API used to keep its own copy of Python's repr, which wrote 1e5 as it came and left a
    // no-break space unescaped; Python's jsonschema says 100000.0 and '\xa0'. One home now: PythonRepr.
    [Theory]
    [InlineData("""{"computer_guid": 1e5, "compute_partition_list": []}""", "100000.0 is not of type 'string'")]
    [InlineData("""{"computer_guid": 12345678901234567890123, "compute_partition_list": []}""", "12345678901234567890123 is not of type 'string'")]
    [InlineData("""{"computer_guid": [1.50, {"k": null}], "compute_partition_list": []}""", "[1.5, {'k': None}] is not of type 'string'")]
    public void Values_in_errors_are_python_reprs_of_what_json_decodes(string body, string expected)
    {
        Assert.Equal(expected, Validate("/slapos.put.v0.compute_node_format", body));
    }

    [Fact]
    public void Unexpected_names_are_quoted_as_python_quotes_them()
    {
        Assert.Equal("Additional properties are not allowed ('a\\xa0b' was unexpected)", Validate("/slapos.get.v0.hateoas_url", "{\"a\u00a0b\": 1}"));
    }
}
