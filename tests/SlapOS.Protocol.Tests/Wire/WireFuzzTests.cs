using System.Globalization;
using System.Text;
using CsCheck;
using SlapOS.Tests.Wire;
using SlapOS.Wire;

namespace SlapOS.Protocol.Tests.Wire;

/// <summary>
/// A fuzz harness for the XML parsers that face the network, driven by CsCheck (seeded, shrinking): documents from
/// the captured slapproxy exchanges (tests/fixtures/slap-wire), mutated (bytes flipped, ranges cut or repeated,
/// hostile tokens inserted: DTDs, entities, foreign classes, huge numbers, NUL, references) or spliced together,
/// are fed to the xml_marshaller reader, the SlapOS object readers behind it and the instance-parameter reader.
/// The only failure allowed is the documented <see cref="SlapMarshalException"/>; anything else (a crash, a
/// <see cref="NullReferenceException"/>, an <see cref="InvalidCastException"/>…) fails with the seed and the shrunk input.
/// <para>
/// The suite runs <see cref="DefaultIterations"/> inputs. The long fuzz: <c>SLAPOS_FUZZ_SECONDS=600 dotnet test
/// tests/SlapOS.Protocol.Tests -c Release --filter WireFuzzTests</c> (see docs/security.md).
/// </para>
/// </summary>
public sealed class WireFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int DefaultIterations = 20_000;

    private static readonly string[] Tokens =
    [
        "<", ">", "</", "/>", "<marshal>", "</marshal>", "<dictionary>", "</dictionary>", "<list>", "</list>", "<tuple>",
        "<string>", "</string>", "<unicode>", "<int>99999999999999999999999999</int>", "<long>-1</long>", "<float>nan</float>",
        "<float>1e999</float>", "<none/>", "<true/>", "<false/>", "<reference id=\"i1\"/>", "<reference id=\"i999\"/>", " id=\"i1\"",
        "<object module=\"os\" class=\"system\">", "<object module=\"slapos.slap.slap\" class=\"Computer\">",
        "<object module=\"slapos.slap.slap\" class=\"ComputerPartition\">", "</object>",
        "<!DOCTYPE m [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;", "&amp;", "&#0;", "&#xD800;", "<![CDATA[x]]>",
        "<?xml version=\"1.0\"?>", "\0", "\uFFFE", "\uD800", "../", "/etc/shadow", "<instance>", "<parameter id=\"x\">", "</parameter>",
    ];

    private static readonly Lazy<string[]> Corpus = new(() =>
    {
        var documents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var exchange in WireCaptures.All)
        {
            foreach (var text in new[] { exchange.RequestBody, exchange.ResponseBody }.Concat(exchange.FormFields.Select(f => f.Value)))
            {
                if (text.TrimStart().StartsWith('<'))
                {
                    documents.Add(text);
                }
            }
        }

        return [.. documents.Order(StringComparer.Ordinal)];
    });

    /// <summary>One mutation of a document: which kind, where, how long, which token or corpus document.</summary>
    private static readonly Gen<(int Kind, int At, int Length, int Pick)> Mutation =
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, int.MaxValue], Gen.Int[0, 64], Gen.Int[0, int.MaxValue]);

    private static readonly Gen<string> Input =
        Gen.Select(Gen.Int[0, int.MaxValue], Mutation.Array[1, 8])
            .Select(p => Mutate(Corpus.Value[p.Item1 % Corpus.Value.Length], p.Item2));

    private static string Mutate(string document, (int Kind, int At, int Length, int Pick)[] mutations)
    {
        var text = new StringBuilder(document);
        foreach (var (kind, at, length, pick) in mutations)
        {
            var position = text.Length == 0 ? 0 : at % text.Length;
            var span = Math.Min(length, text.Length - position);
            switch (kind)
            {
                case 0: // flip a character
                    if (text.Length > 0)
                    {
                        text[position] = (char)(text[position] ^ (1 << (pick % 8)));
                    }

                    break;
                case 1: // cut a range
                    text.Remove(position, span);
                    break;
                case 2: // repeat a range
                    text.Insert(position, text.ToString(position, span));
                    break;
                case 3: // insert a hostile token
                    text.Insert(position, Tokens[pick % Tokens.Length]);
                    break;
                case 4: // splice another captured document in
                    var other = Corpus.Value[pick % Corpus.Value.Length];
                    text.Insert(position, other[..Math.Min(other.Length, 1 + (length * 32))]);
                    break;
                default: // nest deeper
                    text.Insert(position, string.Concat(Enumerable.Repeat("<list>", length)));
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>Everything a node or a master does with a document that arrived from the network.</summary>
    private static void Parse(string document)
    {
        try
        {
            var value = SlapMarshal.Read(document);
            Try(() => SlapWireObjects.ReadComputer(value));
            Try(() => SlapWireObjects.ReadComputerPartition(value));
            Try(() => SlapWireObjects.ReadComputerFormat(value));
            Try(() => SlapWireObjects.ReadIpList(value));
            Try(() => SlapWireObjects.ReadSoftwareInstance(value, new InstanceRequest { Title = "fuzz", SoftwareReleaseUrl = "https://lab.example/software.cfg" }));
            _ = PythonRepr.Repr(value);
        }
        catch (SlapMarshalException)
        {
            // The documented refusal.
        }

        Try(() => InstanceParameterXml.Read(document));

        static void Try(Action read)
        {
            try
            {
                read();
            }
            catch (SlapMarshalException)
            {
            }
        }
    }

    [Fact]
    public void The_corpus_holds_the_captured_documents_and_each_parses()
    {
        Assert.True(Corpus.Value.Length >= 20, $"only {Corpus.Value.Length} XML documents found in the captures");
        foreach (var document in Corpus.Value)
        {
            Parse(document);
        }
    }

    /// <summary>Found by this harness: an unknown state word was a validation error, not the documented format error.</summary>
    [Fact]
    public void An_unknown_requested_state_in_an_answer_is_a_format_error()
    {
        const string className = "SoftwareInstance";
        const string state = "starded";
        var document = $"<marshal><object id=\"i1\" module=\"slapos.slap.slap\" class=\"{className}\"><tuple/><dictionary id=\"i2\">"
            + "<string>_partition_id</string><string>slappart0</string><string>_computer_id</string><string>c</string>"
            + $"<string>_requested_state</string><string>{state}</string></dictionary></object></marshal>";
        var value = SlapMarshal.Read(document);

        var refused = Assert.Throws<SlapMarshalException>(() => SlapWireObjects.ReadSoftwareInstance(value, new InstanceRequest { Title = "t", SoftwareReleaseUrl = "https://lab.example/software.cfg" }));
        Assert.Contains(state, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutated_captured_documents_fail_only_with_the_documented_format_exception()
    {
        var seconds = Environment.GetEnvironmentVariable("SLAPOS_FUZZ_SECONDS") is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : -1;
        var executions = 0L;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Input.Sample(
            document =>
            {
                Interlocked.Increment(ref executions);
                Parse(document);
            },
            iter: seconds > 0 ? long.MaxValue : DefaultIterations,
            time: seconds,
            print: d => d.Length > 2000 ? d[..2000] + "…" : d);
        output.WriteLine(FormattableString.Invariant($"{executions} executions in {clock.Elapsed.TotalSeconds:F0} s, no crash"));
    }
}
