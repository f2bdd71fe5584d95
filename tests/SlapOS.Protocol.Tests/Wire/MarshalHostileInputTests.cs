using System.Text;
using SlapOS.Wire;

namespace SlapOS.Tests.Wire;

/// <summary>Malformed and hostile documents: each one is a <see cref="SlapMarshalException"/> (Validation), nothing else.</summary>
public class MarshalHostileInputTests
{
    public static TheoryData<string, string> HostileDocuments() => new()
    {
        {
            "billion laughs",
            """<?xml version="1.0"?><!DOCTYPE marshal [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><marshal><string>&i;</string></marshal>"""
        },
        { "external entity", """<!DOCTYPE marshal [<!ENTITY x SYSTEM "file:///etc/passwd">]><marshal><string>&x;</string></marshal>""" },
        { "external DTD", """<!DOCTYPE marshal SYSTEM "http://127.0.0.1:1/evil.dtd"><marshal><none/></marshal>""" },
        { "undefined entity", "<marshal><string>&evil;</string></marshal>" },
        { "unknown object class", """<marshal><object id="i2" module="os" class="system"><tuple><string>id</string></tuple><dictionary id="i3"/></object></marshal>""" },
        { "unknown slap class", """<marshal><object id="i2" module="slapos.slap.slap" class="Supply"><tuple/><dictionary id="i3"/></object></marshal>""" },
        { "object without state", """<marshal><object id="i2" module="slapos.slap.slap" class="Computer"><tuple/></object></marshal>""" },
        { "unknown element", "<marshal><code>print(1)</code></marshal>" },
        { "truncated", """<marshal><dictionary id="i2"><string>a</string><string>b""" },
        { "empty document", string.Empty },
        { "not XML", "hello world" },
        { "wrong root", "<pickle><none/></pickle>" },
        { "wrong root around marshal", "<x><marshal><none/></marshal></x>" },
        { "two values", "<marshal><none/><none/></marshal>" },
        { "no value", "<marshal/>" },
        { "text in marshal", "<marshal>oops</marshal>" },
        { "two roots", "<marshal><none/></marshal><marshal><none/></marshal>" },
        { "bad int", "<marshal><int>12abc</int></marshal>" },
        { "empty int", "<marshal><int></int></marshal>" },
        { "huge int", "<marshal><int>" + new string('9', 5000) + "</int></marshal>" },
        { "bad bool", "<marshal><bool>yes</bool></marshal>" },
        { "bad float", "<marshal><float>1,5</float></marshal>" },
        { "bad complex", "<marshal><complex>1.0</complex></marshal>" },
        { "element inside string", "<marshal><string>a<b/>c</string></marshal>" },
        { "text inside list", """<marshal><list id="i2">x</list></marshal>""" },
        { "odd dictionary", """<marshal><dictionary id="i2"><string>k</string></dictionary></marshal>""" },
        { "none key", """<marshal><dictionary id="i2"><none/><string>v</string></dictionary></marshal>""" },
        { "list key", """<marshal><dictionary id="i2"><list id="i3"/><string>v</string></dictionary></marshal>""" },
        { "unknown reference", """<marshal><list id="i2"><reference id="i9"/></list></marshal>""" },
        { "self reference", """<marshal><list id="i2"><reference id="i2"/></list></marshal>""" },
        { "duplicate id", """<marshal><list id="i2"><list id="i2"/></list></marshal>""" },
        { "reference without id", """<marshal><list id="i2"><reference/></list></marshal>""" },
        { "namespaced value", """<marshal xmlns:p="urn:x"><p:string>a</p:string></marshal>""" },
        { "invalid character reference", "<marshal><string>&#0;</string></marshal>" },
    };

    [Theory]
    [MemberData(nameof(HostileDocuments))]
    public void Hostile_or_malformed_document_is_a_validation_error(string name, string document)
    {
        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read(document));

        Assert.Equal(SlapErrorKind.Validation, error.Kind);
        Assert.False(string.IsNullOrWhiteSpace(error.Message), name);
        Assert.StartsWith("marshal: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileDocuments))]
    public void Hostile_or_malformed_stream_is_a_validation_error(string name, string document)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(document));

        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read(stream));

        Assert.Equal(SlapErrorKind.Validation, error.Kind);
        Assert.NotEmpty(name);
    }

    [Fact]
    public void Billion_laughs_names_the_dtd_as_the_reason()
    {
        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read("""<!DOCTYPE marshal [<!ENTITY a "lol">]><marshal><string>&a;</string></marshal>"""));

        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_class_is_named_in_the_message()
    {
        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read("""<marshal><object id="i2" module="os" class="system"><tuple/><dictionary id="i3"/></object></marshal>"""));

        Assert.Contains("os.system", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list id=\"x\"", "list")]
    [InlineData("tuple", "tuple")]
    public void Ten_thousand_deep_nesting_is_refused(string open, string close)
    {
        var document = new StringBuilder("<marshal>");
        for (var i = 0; i < 10_000; i++)
        {
            document.Append('<').Append(open.Replace("\"x\"", FormattableString.Invariant($"\"i{i + 2}\""), StringComparison.Ordinal)).Append('>');
        }

        for (var i = 0; i < 10_000; i++)
        {
            document.Append("</").Append(close).Append('>');
        }

        document.Append("</marshal>");

        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read(document.ToString()));

        Assert.Contains("deeper than 64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var document = "<marshal>" + string.Concat(Enumerable.Repeat("<tuple>", 63)) + "<none/>" + string.Concat(Enumerable.Repeat("</tuple>", 63)) + "</marshal>";

        Assert.IsType<MarshalTuple>(SlapMarshal.Read(document));
    }

    [Fact]
    public void A_50_MB_body_is_rejected_after_reading_little_more_than_the_limit()
    {
        using var body = new EndlessBody(50L * 1024 * 1024);

        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read(body));

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
        Assert.InRange(body.BytesRead, SlapMarshalLimits.Default.MaxDocumentSize, SlapMarshalLimits.Default.MaxDocumentSize + (1024 * 1024));
    }

    [Fact]
    public async Task A_50_MB_body_read_asynchronously_is_rejected_at_the_limit()
    {
        using var body = new EndlessBody(50L * 1024 * 1024);

        var error = await Assert.ThrowsAsync<SlapMarshalException>(() => SlapMarshal.ReadAsync(body));

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
        Assert.InRange(body.BytesRead, SlapMarshalLimits.Default.MaxDocumentSize, SlapMarshalLimits.Default.MaxDocumentSize + (64 * 1024));
    }

    [Fact]
    public async Task A_document_read_asynchronously_decodes()
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes("<marshal><string>W&#246;rld</string></marshal>"));

        Assert.Equal("Wörld", await SlapMarshal.ReadAsync(body));
    }

    [Fact]
    public void A_50_MB_string_is_rejected_before_parsing()
    {
        var document = "<marshal><string>" + new string('a', 50 * 1024 * 1024) + "</string></marshal>";

        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read(document));

        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Smaller_limits_are_honoured()
    {
        var limits = new SlapMarshalLimits { MaxDocumentSize = 100, MaxDepth = 2, MaxElements = 5 };

        Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read("<marshal><string>" + new string('a', 200) + "</string></marshal>", limits));
        Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read("<marshal><tuple><tuple><none/></tuple></tuple></marshal>", limits));
        Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read("<marshal><tuple><none/><none/><none/><none/><none/><none/></tuple></marshal>", limits));
        Assert.Null(SlapMarshal.Read("<marshal><none/></marshal>", limits));
    }

    [Fact]
    public void Shared_references_cannot_expand_exponentially()
    {
        // Each list holds its predecessor twice: 40 levels would expand to 2^40 values.
        var document = new StringBuilder("<marshal><list id=\"i2\"><list id=\"i3\"><string>x</string></list>");
        for (var i = 4; i < 44; i++)
        {
            document.Append(System.Globalization.CultureInfo.InvariantCulture, $"<list id=\"i{i}\"><reference id=\"i{i - 1}\"/><reference id=\"i{i - 1}\"/></list>");
        }

        document.Append("</list></marshal>");

        var error = Assert.Throws<SlapMarshalException>(() => SlapMarshal.Read(document.ToString()));

        Assert.Contains("elements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Indented_documents_are_accepted_and_text_stays_significant()
    {
        var value = SlapMarshal.Read("""
            <marshal>
              <dictionary id="i2">
                <string>k</string>
                <string>  padded  </string>
              </dictionary>
            </marshal>
            """);

        var dictionary = Assert.IsType<Dictionary<object, object?>>(value);
        Assert.Equal("  padded  ", dictionary["k"]);
    }

    /// <summary>A request body that never ends (up to its length): only counts what the reader pulls.</summary>
    private sealed class EndlessBody(long length) : Stream
    {
        private static readonly byte[] Head = Encoding.ASCII.GetBytes("<marshal><string>");

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - BytesRead);
            for (var i = 0; i < n; i++)
            {
                var at = BytesRead + i;
                buffer[offset + i] = at < Head.Length ? Head[at] : (byte)'a';
            }

            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
