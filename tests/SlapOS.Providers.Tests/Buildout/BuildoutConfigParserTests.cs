using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

public class BuildoutConfigParserTests
{
    [Fact]
    public void Parses_sections_options_comments_and_continuation_lines()
    {
        var sections = BuildoutConfigParser.Parse(
            """
            # a comment
            [buildout]
            parts = a
                b
            ; another comment
            [a] # trailing comment
            recipe = test
            block =
                first
                  indented

                after blank
            """.ReplaceLineEndings("\n"),
            "test.cfg");

        Assert.Equal("a\nb", sections["buildout"]["parts"]);
        Assert.Equal("test", sections["a"]["recipe"]);
        Assert.Equal("first\n  indented\n\nafter blank", sections["a"]["block"]);
    }

    [Fact]
    public void Keeps_add_and_remove_operators_with_the_option_name()
    {
        var sections = BuildoutConfigParser.Parse("[s]\nx += 1\ny-= 2\n=> a b\n", "test.cfg");

        Assert.Equal("1", sections["s"]["x +"]);
        Assert.Equal("2", sections["s"]["y-"]);
        Assert.Equal("a b", sections["s"][BuildoutConfigParser.PartDependenciesOption]);
    }

    [Fact]
    public void Reports_an_option_before_any_section()
    {
        var error = Assert.Throws<BuildoutException>(() => BuildoutConfigParser.Parse("x = 1\n", "bad.cfg"));

        Assert.Contains("bad.cfg", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_every_line_it_cannot_read()
    {
        var error = Assert.Throws<BuildoutException>(() => BuildoutConfigParser.Parse("[s]\nnot an option\nx = 1\nalso bad\n", "bad.cfg"));

        Assert.Contains("[line 2]: not an option", error.Message, StringComparison.Ordinal);
        Assert.Contains("[line 4]: also bad", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditional_sections_are_a_clear_error()
    {
        var error = Assert.Throws<BuildoutException>(() => BuildoutConfigParser.Parse("[s:sys.version_info > (3,)]\nx = 1\n", "cond.cfg"));

        Assert.Contains("conditional sections", error.Message, StringComparison.Ordinal);
        Assert.Contains("cond.cfg, line 1", error.Message, StringComparison.Ordinal);
    }
}
