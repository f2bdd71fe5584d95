using System.Security.Cryptography;
using System.Text;
using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

/// <summary>Extends over HTTP with a checksum, the download cache and offline runs.</summary>
public class BuildoutDownloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LoopbackHttpServer _server = new();

    public void Dispose()
    {
        try
        {
            _server.Dispose();
        }
        finally
        {
            _dir.Dispose();
        }
    }

#pragma warning disable CA5351 // Buildout profiles check downloads with MD5.
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    private Task<BuildoutProfile> LoadAsync(string profile, bool offline)
    {
        var environment = new BuildoutEnvironment
        {
            Directory = _dir.Path,
            Downloader = new BuildoutDownloader(Path.Combine(_dir.Path, "cache"), offline),
            Log = TextWriter.Null,
        };
        return new BuildoutEngine(_ => null).OpenAsync(profile, environment, null, CancellationToken.None);
    }

    [Fact]
    public async Task Extends_over_http_with_md5_resolve_relative_extends_against_the_url_and_are_cached_for_offline_runs()
    {
        const string Component = "[buildout]\n[component]\nversion = 1.2\nbase = ${:_profile_base_location_}\n";
        var release = "[buildout]\nextends = ../component/component.cfg\n[release]\nuses = ${component:version}\n";
        _server.Files["/component/component.cfg"] = Component;
        _server.Files["/release/software.cfg"] = release;
        var profile = _dir.Write("buildout.cfg", $"[buildout]\nextends = {_server.Url}/release/software.cfg#md5={Md5(release)}\n");

        var online = await LoadAsync(profile, offline: false);
        Assert.Equal("1.2", online.Get("release", "uses"));
        Assert.Equal($"{_server.Url}/component", online.Get("component", "base"));

        var requests = _server.Requests;
        var offline = await LoadAsync(profile, offline: true);
        Assert.Equal("1.2", offline.Get("release", "uses"));
        Assert.Equal(requests, _server.Requests);
    }

    [Fact]
    public async Task A_checksum_mismatch_over_http_is_an_error_and_nothing_is_cached()
    {
        _server.Files["/software.cfg"] = "[buildout]\n";
        var profile = _dir.Write("buildout.cfg", $"[buildout]\nextends = {_server.Url}/software.cfg#md5={Md5("something else")}\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(() => LoadAsync(profile, offline: false));

        Assert.Contains("MD5 checksum mismatch", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(Path.Combine(_dir.Path, "cache")) ? Directory.GetFiles(Path.Combine(_dir.Path, "cache")) : []);
    }

    [Fact]
    public async Task Offline_without_a_cached_copy_is_a_clear_error()
    {
        _server.Files["/software.cfg"] = "[buildout]\n";
        var profile = _dir.Write("buildout.cfg", $"[buildout]\nextends = {_server.Url}/software.cfg\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(() => LoadAsync(profile, offline: true));

        Assert.Contains("offline", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task A_missing_url_is_an_error_with_the_status()
    {
        var profile = _dir.Write("buildout.cfg", $"[buildout]\nextends = {_server.Url}/nowhere.cfg\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(() => LoadAsync(profile, offline: false));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_recipe_over_http_uses_the_cache_when_offline()
    {
        _server.Files["/files/data.bin"] = "binary";
        var md5 = Md5("binary");
        var profile = _dir.Write("buildout.cfg", $"[buildout]\nparts = get\n[get]\nrecipe = download\nurl = {_server.Url}/files/data.bin\nmd5sum = {md5}\n");
        var all = BuiltInRecipes.All.ToDictionary(r => r.Name, r => r.Create, StringComparer.Ordinal);
        Func<string, IBuildoutRecipe?> recipes = name => all.TryGetValue(name, out var create) ? create() : null;

        await new BuildoutEngine(recipes).RunAsync(profile, BuildoutRunner.Environment(_dir.Path), null, CancellationToken.None);
        Directory.Delete(Path.Combine(_dir.Path, "parts", "get"), recursive: true);
        var requests = _server.Requests;
        await new BuildoutEngine(recipes).RunAsync(profile, BuildoutRunner.Environment(_dir.Path, offline: true), null, CancellationToken.None);

        Assert.Equal("binary", await File.ReadAllTextAsync(Path.Combine(_dir.Path, "parts", "get", "data.bin")));
        Assert.Equal(requests, _server.Requests);
    }

    [Fact]
    public async Task A_profile_that_says_offline_downloads_nothing()
    {
        _server.Files["/software.cfg"] = "[buildout]\n";
        var profile = _dir.Write("buildout.cfg", $"[buildout]\noffline = true\nextends = {_server.Url}/software.cfg\n");

        var error = await Assert.ThrowsAsync<BuildoutException>(() => LoadAsync(profile, offline: false));

        Assert.Contains("offline", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests);
    }
}
