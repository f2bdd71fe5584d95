using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

/// <summary>Install, update, uninstall and the installed-state file.</summary>
public class BuildoutInstallStateTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RecipeJournal _journal = new();

    public void Dispose() => _dir.Dispose();

    private string Profile(string text) => _dir.Write("buildout.cfg", text);

    private Task RunAsync() => BuildoutRunner.RunAsync(Path.Combine(_dir.Path, "buildout.cfg"), _journal.Recipes);

    [Fact]
    public async Task A_changed_option_reinstalls_only_that_part()
    {
        Profile("[buildout]\nparts = a b\n[a]\nrecipe = test\nvalue = 1\n[b]\nrecipe = test\nvalue = 1\n");
        await RunAsync();
        Profile("[buildout]\nparts = a b\n[a]\nrecipe = test\nvalue = 2\n[b]\nrecipe = test\nvalue = 1\n");
        await RunAsync();

        Assert.Equal(2, _journal.Count("install", "a"));
        Assert.Equal(1, _journal.Count("uninstall", "a"));
        Assert.Equal(1, _journal.Count("install", "b"));
        Assert.Equal(1, _journal.Count("update", "b"));
        Assert.Equal(0, _journal.Count("uninstall", "b"));
    }

    [Fact]
    public async Task An_unchanged_profile_only_updates()
    {
        Profile("[buildout]\nparts = a\n[a]\nrecipe = test\n");
        await RunAsync();
        await RunAsync();
        await RunAsync();

        Assert.Equal(["install a", "update a", "update a"], _journal.Entries);
    }

    [Fact]
    public async Task A_removed_part_is_uninstalled_and_its_files_removed()
    {
        var file = Path.Combine(_dir.Path, "made-by-b");
        Profile($"[buildout]\nparts = a b\n[a]\nrecipe = test\n[b]\nrecipe = test\npath = {file}\n");
        await RunAsync();
        Assert.True(File.Exists(file));

        Profile($"[buildout]\nparts = a\n[a]\nrecipe = test\n[b]\nrecipe = test\npath = {file}\n");
        await RunAsync();

        Assert.False(File.Exists(file));
        Assert.Equal(1, _journal.Count("uninstall", "b"));
        Assert.Equal(0, _journal.Count("uninstall", "a"));
        Assert.DoesNotContain("[b]", await File.ReadAllTextAsync(Path.Combine(_dir.Path, ".installed.cfg")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_part_whose_file_disappeared_is_reinstalled()
    {
        var file = Path.Combine(_dir.Path, "made-by-a");
        Profile($"[buildout]\nparts = a\n[a]\nrecipe = test\npath = {file}\n");
        await RunAsync();
        File.Delete(file);
        await RunAsync();

        Assert.True(File.Exists(file));
        Assert.Equal(2, _journal.Count("install", "a"));
    }

    [Fact]
    public async Task A_change_in_a_referenced_section_reinstalls_the_part()
    {
        Profile("[buildout]\nparts = a\n[settings]\nport = 1\n[a]\nrecipe = test\nvalue = ${settings:port}\n");
        await RunAsync();
        Profile("[buildout]\nparts = a\n[settings]\nport = 2\n[a]\nrecipe = test\nvalue = ${settings:port}\n");
        await RunAsync();

        Assert.Equal(2, _journal.Count("install", "a"));
    }

    [Fact]
    public async Task Parts_referenced_by_others_install_first()
    {
        Profile("[buildout]\nparts = web config\n[web]\nrecipe = test\nuses = ${config:value}\n[config]\nrecipe = test\nvalue = 1\n[db]\nrecipe = test\n[ordered]\n");
        await RunAsync();

        Assert.Equal(["install config", "install web"], _journal.Entries);
    }

    [Fact]
    public async Task A_referenced_section_with_a_recipe_becomes_a_part()
    {
        Profile("[buildout]\nparts = web\n[web]\nrecipe = test\nuses = ${helper:value}\n[helper]\nrecipe = test\nvalue = 1\n");
        await RunAsync();

        Assert.Equal(["install helper", "install web"], _journal.Entries);
    }

    [Fact]
    public async Task Part_dependencies_order_parts()
    {
        Profile("[buildout]\nparts = b a\n[a]\nrecipe = test\n[b]\nrecipe = test\n=> a\n");
        await RunAsync();

        Assert.Equal(["install a", "install b"], _journal.Entries);
    }

    [Fact]
    public async Task An_unknown_recipe_is_an_error_naming_recipe_and_section()
    {
        Profile("[buildout]\nparts = thing\n[thing]\nrecipe = no.such:recipe\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(RunAsync);

        Assert.Contains("no.such:recipe", error.Message, StringComparison.Ordinal);
        Assert.Contains("[thing]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listed_part_without_recipe_is_an_error()
    {
        Profile("[buildout]\nparts = thing\n[thing]\nx = 1\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(RunAsync);

        Assert.Contains("[thing]", error.Message, StringComparison.Ordinal);
        Assert.Contains("recipe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_every_part_removes_the_installed_state()
    {
        Profile("[buildout]\nparts = a\n[a]\nrecipe = test\n");
        await RunAsync();
        Assert.True(File.Exists(Path.Combine(_dir.Path, ".installed.cfg")));

        Profile("[buildout]\nparts =\n");
        await RunAsync();

        Assert.False(File.Exists(Path.Combine(_dir.Path, ".installed.cfg")));
        Assert.Equal(1, _journal.Count("uninstall", "a"));
    }
}
