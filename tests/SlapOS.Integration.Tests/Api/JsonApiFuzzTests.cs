using System.Globalization;
using System.Net;
using System.Text;
using CsCheck;
using SlapOS.Integration.Tests.ScaleOut;
using SlapOS.Master.Accounting;
using SlapOS.Master.Api.Json;

namespace SlapOS.Integration.Tests.Api;

/// <summary>
/// Fuzzing in the manner of <c>WireFuzzTests</c> (CsCheck: seeded, shrinking), for what the master reads as JSON and
/// TioXML: valid bodies mutated (characters flipped, ranges cut or repeated, hostile tokens inserted: wrong types,
/// huge numbers, NUL, deep nesting, path escapes, entities) are posted to every JSON API v0 path of a real master
/// on loopback, which must never answer 500 nor show a stack trace; and mutated usage documents are given to the
/// TioXML reader, whose only allowed failure is the documented validation error. Short by default;
/// <c>SLAPOS_FUZZ_SECONDS=600</c> runs each for that long.
/// </summary>
public sealed class JsonApiFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int DefaultRequests = 400;
    private const int DefaultDocuments = 5_000;
    private const string Computer = "COMP-FUZZ";

    private const string TioXmlSeed =
        "<?xml version='1.0' encoding='utf-8'?><journal><transaction type=\"Sale Packing List\"><title>usage</title>"
        + "<start_date>2026-12-06 at 01:00:00</start_date><stop_date>2026-12-06 at 02:00:00</stop_date>"
        + "<reference>slappart0</reference><currency>EUR</currency><payment_mode></payment_mode><category></category>"
        + "<arrow type=\"Source\"><source>COMP-FUZZ</source></arrow>"
        + "<movement><resource>CPU Consumption</resource><title>cpu</title><reference>slappart0</reference>"
        + "<quantity>12.5</quantity><price>0.0</price><VAT>None</VAT><category>cpu</category></movement>"
        + "<movement><resource>Memory</resource><reference>slappart1</reference><quantity>64</quantity><category>memory</category></movement>"
        + "</transaction></journal>";

    private static readonly string[] JsonTokens =
    [
        "null", "true", "[]", "{}", "\"\"", "0", "-1", "1e999", "99999999999999999999999999", "-0.0", "\"\\u0000\"", "\"\\ud800\"",
        "\"../../etc/shadow\"", "\"/etc/shadow\"", "\"file:///etc/shadow\"", "\"slappart0\"", "\"COMP-FUZZ\"", "\"started\"", "\"destroyed\"",
        "\"stopped\"", "\"available\"", ",", ":", "\"", "{\"a\":", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "]]]]]]]]", "\"title\"", "\"computer_guid\"",
        "\"compute_partition_id\"", "\"parameters\"", "{\"x\":{\"y\":[1,{\"z\":null}]}}", "\"<marshal/>\"", "\"$(id)\"", "\"\\t\\n\"",
    ];

    private static readonly string[] XmlTokens =
    [
        "<", ">", "</", "/>", "<journal>", "</journal>", "<transaction>", "</transaction>", "<movement>", "</movement>", "<quantity>",
        "</quantity>", "<quantity>1e999</quantity>", "<quantity>-1</quantity>", "<quantity>NaN</quantity>", "<quantity>1e300</quantity>",
        "<reference>../x</reference>", "<reference></reference>", "<category>memory</category>", "<category>process</category>",
        "<stop_date>9999-12-31 at 23:59:59</stop_date>", "<start_date>0001-01-01 at 00:00:00</start_date>",
        "<!DOCTYPE j [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;", "&#0;", "<![CDATA[x]]>", "\0", "\uD800",
    ];

    private static readonly Lazy<string[]> Paths = new(() => [.. JsonApiEndpoints.Handlers.Keys.Order(StringComparer.Ordinal)]);

    private static readonly string[] JsonSeeds =
    [
        """{"title": "fuzz-0", "software_release_uri": "https://lab.example/software/fuzz/software.cfg", "software_type": "default", "state": "started", "shared": false, "parameters": {"a": "b"}, "sla_parameters": {"computer_guid": "COMP-FUZZ"}}""",
        """{"computer_guid": "COMP-FUZZ", "compute_partition_id": "slappart0", "title": "fuzz-0", "reported_state": "started", "message": "m"}""",
        """{"computer_guid": "COMP-FUZZ", "compute_partition_list": [{"partition_id": "slappart0"}, {"partition_id": "slappart1"}]}""",
        """{"computer_guid": "COMP-FUZZ", "software_release_uri": "https://lab.example/software/fuzz/software.cfg", "state": "available", "reported_state": "available"}""",
        """{"instance_guid": "SOFTINST-1", "connection_parameters": {"url": "http://x"}, "title": "renamed", "message": "boom"}""",
        """{"computer_guid": "COMP-FUZZ", "tioxml": "<journal><transaction><movement><reference>slappart0</reference><quantity>1</quantity><category>cpu</category></movement></transaction></journal>"}""",
        """{"portal_type": "Software Instance", "kind": "computer", "reference": "COMP-FUZZ", "serial_number": "01", "timeout": 0, "change_stamp": 1}""",
    ];

    /// <summary>Bodies these paths accept as they are (so that mutations also reach the handlers, not only the parser).</summary>
    private static readonly Dictionary<string, string> ValidSeeds = new(StringComparer.Ordinal)
    {
        ["/slapos.post.v0.software_instance"] = JsonSeeds[0],
        ["/slapos.get.v0.instance_tree"] = """{"title": "fuzz-0"}""",
        ["/slapos.put.v0.compute_node_format"] = JsonSeeds[2],
    };

    private static readonly Gen<(int Kind, int At, int Length, int Pick)> Mutation =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Int[0, 64], Gen.Int[0, int.MaxValue]);

    private static int Seconds => Environment.GetEnvironmentVariable("SLAPOS_FUZZ_SECONDS") is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : -1;

    [Fact]
    public async Task Mutated_bodies_on_every_json_path_never_get_a_500_or_a_stack_trace()
    {
        var directory = Directory.CreateTempSubdirectory("slapos-json-fuzz-").FullName;
        try
        {
            await using var master = await SharedStoreMaster.StartAsync(m => m.UseSqlite(Path.Combine(directory, "master.db")));
            await master.FormatAsync(Computer, 4);
            using (var seed = new StringContent(JsonSeeds[0], Encoding.UTF8, "application/json"))
            using (var allocated = await master.Http.PostAsync("/slapos.post.v0.software_instance", seed))
            {
                Assert.Equal(HttpStatusCode.OK, allocated.StatusCode);
            }

            // Half the inputs start from a body their path accepts, the other half from any seed on any path.
            var known = ValidSeeds.ToArray();
            var input = Gen.Select(Gen.Bool, Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Mutation.Array[0, 4])
                .Select(p => p.Item1
                    ? (Path: known[p.Item2 % known.Length].Key, Body: Mutate(known[p.Item2 % known.Length].Value, p.Item4, JsonTokens, JsonSeeds))
                    : (Path: Paths.Value[p.Item2 % Paths.Value.Length], Body: Mutate(JsonSeeds[p.Item3 % JsonSeeds.Length], p.Item4, JsonTokens, JsonSeeds)));
            var executions = 0L;
            var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
            input.Sample(
                request =>
                {
                    Interlocked.Increment(ref executions);
                    using var content = new StringContent(request.Body, Encoding.UTF8, "application/json");
                    using var response = master.Http.PostAsync(request.Path, content).GetAwaiter().GetResult();
                    var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    return (int)response.StatusCode < 500 && !body.Contains("   at ", StringComparison.Ordinal);
                },
                iter: Seconds > 0 ? long.MaxValue : DefaultRequests,
                time: Seconds,
                threads: 2,
                print: r => $"{r.Path} {(r.Body.Length > 2000 ? r.Body[..2000] + "…" : r.Body)}");
            output.WriteLine($"{executions} requests on {Paths.Value.Length} paths; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; no 500");
            Assert.True(statuses.ContainsKey(200), "no request was ever accepted: the fuzz only reached the parser");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Found by the fuzz above (seed fcBTyEFFy3B4): an escaped lone surrogate was a 500.</summary>
    [Theory]
    [InlineData("/slapos.get.v0.instance_tree", "\"\\ud800\"")]
    [InlineData("/slapos.get.v0.instance_tree", "{\"title\": \"\\ud800\"}")]
    [InlineData("/slapos.post.v0.software_instance", "{\"title\": \"a\", \"software_release_uri\": \"https://lab.example/s.cfg\", \"parameters\": {\"\\udc00\": \"x\"}}")]
    public async Task A_lone_surrogate_in_a_json_body_is_a_400(string path, string body)
    {
        var directory = Directory.CreateTempSubdirectory("slapos-json-surrogate-").FullName;
        try
        {
            await using var master = await SharedStoreMaster.StartAsync(m => m.UseSqlite(Path.Combine(directory, "master.db")));
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await master.Http.PostAsync(path, content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Mutated_usage_documents_fail_only_with_the_documented_validation_error()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(2, TioXmlUsageReader.Read(Computer, TioXmlSeed, now).Records.Count);
        var executions = 0L;
        Gen.Select(Gen.Int[0, int.MaxValue], Mutation.Array[1, 8])
            .Select(p => Mutate(TioXmlSeed, p.Item2, XmlTokens, [TioXmlSeed]))
            .Sample(
                document =>
                {
                    Interlocked.Increment(ref executions);
                    try
                    {
                        _ = TioXmlUsageReader.Read(Computer, document, now);
                    }
                    catch (SlapValidationException)
                    {
                        // The documented refusal (400 on both APIs).
                    }
                },
                iter: Seconds > 0 ? long.MaxValue : DefaultDocuments,
                time: Seconds,
                print: d => d.Length > 2000 ? d[..2000] + "…" : d);
        output.WriteLine($"{executions} TioXML documents, no crash");
    }

    private static string Mutate(string document, (int Kind, int At, int Length, int Pick)[] mutations, string[] tokens, string[] corpus)
    {
        var text = new StringBuilder(document);
        foreach (var (kind, at, length, pick) in mutations)
        {
            var position = text.Length == 0 ? 0 : at % text.Length;
            var span = Math.Min(length, text.Length - position);
            switch (kind)
            {
                case 0:
                    if (text.Length > 0)
                    {
                        text[position] = (char)(text[position] ^ (1 << (pick % 8)));
                    }

                    break;
                case 1:
                    text.Remove(position, span);
                    break;
                case 2:
                    text.Insert(position, text.ToString(position, span));
                    break;
                case 3:
                case 4:
                    text.Insert(position, tokens[pick % tokens.Length]);
                    break;
                default:
                    var other = corpus[pick % corpus.Length];
                    text.Insert(position, other[..Math.Min(other.Length, 1 + (length * 16))]);
                    break;
            }
        }

        return text.ToString();
    }
}
