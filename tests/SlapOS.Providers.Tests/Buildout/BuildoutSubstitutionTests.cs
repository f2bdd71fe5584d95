using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

/// <summary>Examples from buildout's "Variables, extending and substitutions".</summary>
public class BuildoutSubstitutionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Substitutes_other_sections_own_section_and_recursively()
    {
        var profile = _dir.Write("buildout.cfg", """
            [buildout]
            parts =

            [debug]
            name = ${:base}-${buildout:directory}
            base = ${other:value}

            [other]
            value = ${:x}!
            x = hello
            """);

        var evaluated = await BuildoutRunner.LoadAsync(profile);

        Assert.Equal($"hello!-{_dir.Path}", evaluated.Get("debug", "name"));
        Assert.Equal("hello!", evaluated.Get("debug", "base"));
    }

    [Fact]
    public async Task Double_dollar_is_a_literal_substitution()
    {
        var profile = _dir.Write("buildout.cfg", "[buildout]\n[s]\nx = $${not:substituted} and $5\n");

        var evaluated = await BuildoutRunner.LoadAsync(profile);

        Assert.Equal("${not:substituted} and $5", evaluated.Get("s", "x"));
    }

    [Fact]
    public async Task Section_name_is_available()
    {
        var profile = _dir.Write("buildout.cfg", "[buildout]\n[my-section]\nx = ${:_buildout_section_name_}\n");

        var evaluated = await BuildoutRunner.LoadAsync(profile);

        Assert.Equal("my-section", evaluated.Get("my-section", "x"));
    }

    [Fact]
    public async Task A_cycle_is_an_error_naming_sections_and_options()
    {
        var profile = _dir.Write("buildout.cfg", "[buildout]\n[a]\nx = ${b:y}\n[b]\ny = ${a:x}\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(async () => (await BuildoutRunner.LoadAsync(profile)).Get("a", "x"));

        Assert.Contains("Circular reference", error.Message, StringComparison.Ordinal);
        Assert.Contains("${a:x}", error.Message, StringComparison.Ordinal);
        Assert.Contains("${b:y}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sections_may_reference_each_other_without_a_cycle()
    {
        var profile = _dir.Write("buildout.cfg", "[buildout]\n[a]\nx = ${b:y}\nw = 1\n[b]\ny = 2\nz = ${a:w}\n");

        var evaluated = await BuildoutRunner.LoadAsync(profile);

        Assert.Equal("2", evaluated.Get("a", "x"));
        Assert.Equal("1", evaluated.Get("b", "z"));
    }

    [Fact]
    public async Task A_missing_option_is_an_error_naming_where_it_is_used()
    {
        var profile = _dir.Write("buildout.cfg", "[buildout]\n[a]\nx = ${b:nope}\n[b]\ny = 2\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(async () => (await BuildoutRunner.LoadAsync(profile)).Get("a", "x"));

        Assert.Contains("${b:nope}", error.Message, StringComparison.Ordinal);
        Assert.Contains("[a] x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_section_is_an_error()
    {
        var profile = _dir.Write("buildout.cfg", "[buildout]\n[a]\nx = ${nowhere:y}\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(async () => (await BuildoutRunner.LoadAsync(profile)).Get("a", "x"));

        Assert.Contains("[nowhere]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Macros_copy_a_section_and_override_it()
    {
        var profile = _dir.Write("buildout.cfg", """
            [buildout]
            [macro]
            a = 1
            b = 2
            lines =
                x
                y

            [part]
            <= macro
            b = 3
            lines += z
            lines -= x
            """);

        var evaluated = await BuildoutRunner.LoadAsync(profile);

        Assert.Equal("1", evaluated.Get("part", "a"));
        Assert.Equal("3", evaluated.Get("part", "b"));
        Assert.Equal("y\nz", evaluated.Get("part", "lines"));
        Assert.Null(evaluated.Get("part", "<"));
    }

    [Fact]
    public async Task Macros_chain_and_detect_loops()
    {
        var chain = _dir.Write("chain.cfg", "[buildout]\n[a]\nx = 1\n[b]\n<= a\ny = 2\n[c]\n<= b\n");
        var evaluated = await BuildoutRunner.LoadAsync(chain);
        Assert.Equal("1", evaluated.Get("c", "x"));
        Assert.Equal("2", evaluated.Get("c", "y"));

        var loop = _dir.Write("loop.cfg", "[buildout]\n[a]\n<= b\n[b]\n<= a\n");
        var error = await Assert.ThrowsAsync<BuildoutException>(async () => (await BuildoutRunner.LoadAsync(loop)).Get("a", "x"));
        Assert.Contains("loop", error.Message, StringComparison.Ordinal);
    }
}
