namespace SlapOS.Abstractions.Tests;

public class SlapReferenceTests
{
    [Theory]
    [InlineData("../../etc", "must not contain a path separator")]
    [InlineData("..", "must not contain '..'")]
    [InlineData("a..b", "must not contain '..'")]
    [InlineData("slap\0part", "must not contain control characters")]
    [InlineData("slap part", "must not contain whitespace")]
    [InlineData("dir\\file", "must not contain a path separator")]
    [InlineData("", "must not be empty")]
    public void Bad_references_are_rejected_with_the_field_name(string value, string reason)
    {
        var error = Assert.Throws<SlapValidationException>(() => SlapReference.Validate(value, "partition_reference"));

        Assert.Equal("partition_reference", error.Field);
        Assert.Equal(reason, error.Reason);
        Assert.StartsWith("partition_reference: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(SlapErrorKind.Validation, error.Kind);
    }

    [Theory]
    [InlineData("something else", true, null)]
    [InlineData("something else", false, "must not contain whitespace")]
    [InlineData(" something", true, "must not begin or end with a space")]
    [InlineData("something ", true, "must not begin or end with a space")]
    [InlineData("something\telse", true, "must not contain control characters")]
    [InlineData("some/thing else", true, "must not contain a path separator")]
    [InlineData("some .. thing", true, "must not contain '..'")]
    public void A_partition_reference_may_hold_a_plain_space_only_when_allowed(string value, bool allowSpace, string? reason)
    {
        if (reason is null)
        {
            Assert.Equal(value, SlapReference.ValidatePartitionReference(value, "partition_id", allowSpace));
            return;
        }

        var error = Assert.Throws<SlapValidationException>(() => SlapReference.ValidatePartitionReference(value, "partition_id", allowSpace));
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Null_reference_is_rejected()
    {
        var error = Assert.Throws<SlapValidationException>(() => SlapReference.Validate(null, "computer_id"));
        Assert.Equal("computer_id", error.Field);
    }

    [Fact]
    public void A_ten_kilobyte_title_is_rejected_naming_the_field_and_the_limit()
    {
        var title = new string('x', 10 * 1024);

        var error = Assert.Throws<SlapValidationException>(() => SlapReference.ValidateTitle(title, "title"));

        Assert.Equal("title", error.Field);
        Assert.Contains("10240 characters long", error.Message, StringComparison.Ordinal);
        Assert.Contains("1024", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slappart0")]
    [InlineData("COMP-1234")]
    [InlineData("SOFTINST-12_a.b")]
    public void Good_references_pass_unchanged(string value)
    {
        Assert.Equal(value, SlapReference.Validate(value, "reference"));
    }

    [Fact]
    public void Titles_may_hold_spaces_and_unicode()
    {
        Assert.Equal("My Wörld ✓ 日本", SlapReference.ValidateTitle("My Wörld ✓ 日本", "title"));
    }

    [Theory]
    [InlineData("https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg")]
    [InlineData("http://example.com/sr/kvm/software.cfg")]
    [InlineData("file:///srv/releases/hello-web/software.cfg")]
    [InlineData("/srv/releases/hello-web/software.cfg")]
    public void Release_urls_that_slapos_uses_are_accepted(string url)
    {
        Assert.Equal(url, SlapReference.ValidateSoftwareReleaseUrl(url));
    }

    [Theory]
    [InlineData("ftp://example.com/software.cfg", "must be an absolute http, https or file URL, or an absolute path")]
    [InlineData("software.cfg", "must be an absolute http, https or file URL, or an absolute path")]
    [InlineData("https://example.com/a/../../etc/passwd", "must not contain '..' segments")]
    [InlineData("https://example.com/a/%2e%2e/etc", "must not contain '..' segments")]
    [InlineData("/srv/../etc/passwd", "must not contain '..' segments")]
    [InlineData("https://example.com/a b", "must not contain whitespace")]
    [InlineData("https://example.com/\u0001", "must not contain control characters")]
    public void Bad_release_urls_are_rejected(string url, string reason)
    {
        var error = Assert.Throws<SlapValidationException>(() => SlapReference.ValidateSoftwareReleaseUrl(url));

        Assert.Equal("software_release", error.Field);
        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Oversized_parameters_are_rejected()
    {
        var parameters = new Dictionary<string, string> { ["blob"] = new string('x', 2 << 20) };

        var error = Assert.Throws<SlapValidationException>(() => SlapReference.ValidateParameters(parameters, "parameters"));

        Assert.Equal("parameters", error.Field);
    }

    [Fact]
    public void Parameter_keys_with_control_characters_are_rejected()
    {
        var parameters = new Dictionary<string, string> { ["a\nb"] = "x" };

        var error = Assert.Throws<SlapValidationException>(() => SlapReference.ValidateParameters(parameters, "sla"));

        Assert.Equal("sla key", error.Field);
    }
}
