using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

public class BuildoutExtendsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Extends_chains_relative_and_file_urls_later_files_win()
    {
        _dir.Write("base/base.cfg", """
            [buildout]
            parts = a

            [s]
            x = base
            y = base
            z = base
            """);
        var middle = _dir.Write("lib/middle.cfg", """
            [buildout]
            extends = ../base/base.cfg

            [s]
            y = middle
            """);
        var top = _dir.Write("top/buildout.cfg", $"""
            [buildout]
            extends = file://{middle}
            parts += b

            [s]
            z = top
            """);

        var evaluated = await BuildoutRunner.LoadAsync(top);

        Assert.Equal("base", evaluated.Get("s", "x"));
        Assert.Equal("middle", evaluated.Get("s", "y"));
        Assert.Equal("top", evaluated.Get("s", "z"));
        Assert.Equal("a\nb", evaluated.Get("buildout", "parts"));
    }

    [Fact]
    public async Task Multiple_extends_apply_in_order()
    {
        _dir.Write("one.cfg", "[buildout]\n[s]\nx = one\ny = one\n");
        _dir.Write("two.cfg", "[buildout]\n[s]\ny = two\n");
        var top = _dir.Write("buildout.cfg", "[buildout]\nextends =\n  one.cfg\n  two.cfg\n");

        var evaluated = await BuildoutRunner.LoadAsync(top);

        Assert.Equal("one", evaluated.Get("s", "x"));
        Assert.Equal("two", evaluated.Get("s", "y"));
    }

    [Fact]
    public async Task Add_and_remove_lines_of_an_extended_value()
    {
        _dir.Write("base.cfg", "[buildout]\nparts =\n  a\n  b\n  c\n");
        var top = _dir.Write("buildout.cfg", "[buildout]\nextends = base.cfg\nparts += d\nparts -= b\n");

        var evaluated = await BuildoutRunner.LoadAsync(top);

        Assert.Equal("a\nc\nd", evaluated.Get("buildout", "parts"));
    }

    [Fact]
    public async Task Profile_base_location_is_the_directory_of_the_defining_file()
    {
        _dir.Write("release/component.cfg", "[buildout]\n[component]\nurl = ${:_profile_base_location_}/file.in\n");
        var top = _dir.Write("buildout.cfg", "[buildout]\nextends = release/component.cfg\n[mine]\nwhere = ${:_profile_base_location_}\n");

        var evaluated = await BuildoutRunner.LoadAsync(top);

        Assert.Equal(Path.Combine(_dir.Path, "release") + "/file.in", evaluated.Get("component", "url"));
        Assert.Equal(_dir.Path, evaluated.Get("mine", "where"));
    }

    [Fact]
    public async Task A_recursive_include_is_an_error()
    {
        _dir.Write("a.cfg", "[buildout]\nextends = b.cfg\n");
        _dir.Write("b.cfg", "[buildout]\nextends = a.cfg\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(() => BuildoutRunner.LoadAsync(Path.Combine(_dir.Path, "a.cfg")));

        Assert.Contains("Recursive file include", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_checksum_fragment_is_an_error()
    {
        var extended = _dir.Write("base.cfg", "[buildout]\n");
        var top = _dir.Write("buildout.cfg", $"[buildout]\nextends = {extended}#md5=00000000000000000000000000000000\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(() => BuildoutRunner.LoadAsync(top));

        Assert.Contains("MD5 checksum mismatch", error.Message, StringComparison.Ordinal);
    }
}
