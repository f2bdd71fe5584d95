using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SlapOS.Master.BinaryCache;

namespace SlapOS.Master.Tests.BinaryCache;

/// <summary>The shacache/shadir service over real HTTP (Kestrel on loopback), as libnetworkcache calls it.</summary>
public sealed class BinaryCacheServiceTests : IAsyncLifetime, IDisposable
{
    private readonly string _storage = Path.Combine(Path.GetTempPath(), "cache19-service-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSlapOSBinaryCache(o =>
        {
            o.StorageDirectory = _storage;
            o.MaxUploadBytes = 4096;
            o.UploadUsers["uploader"] = "s3cret";
        });
        _app = builder.Build();
        _app.MapSlapOSBinaryCache();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public void Dispose() => _http.Dispose();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (Directory.Exists(_storage))
        {
            Directory.Delete(_storage, recursive: true);
        }
    }

    [Fact]
    public async Task Post_AnswersCreatedAndTheSha512_AndGetServesTheBytes()
    {
        var content = Encoding.UTF8.GetBytes("a built release");
        var sha512 = Convert.ToHexStringLower(SHA512.HashData(content));

        using var post = await SendAsync(HttpMethod.Post, "/shacache", content, authorized: true);
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        Assert.Equal(sha512, await post.Content.ReadAsStringAsync());

        Assert.Equal(content, await _http.GetByteArrayAsync($"/shacache/{sha512}"));
        using var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/shacache/{sha512}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);

        // libnetworkcache resumes interrupted downloads with a Range request.
        using var range = new HttpRequestMessage(HttpMethod.Get, $"/shacache/{sha512}");
        range.Headers.Range = new RangeHeaderValue(2, null);
        using var partial = await _http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(content[2..], await partial.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task PutWithAnotherHash_IsRefused_AndNothingIsStored()
    {
        var content = Encoding.UTF8.GetBytes("the real bytes");
        var claimed = Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes("other bytes")));

        using var put = await SendAsync(HttpMethod.Put, $"/shacache/{claimed}", content, authorized: true);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("SHA-512", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"/shacache/{claimed}")).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_storage, "tmp")));
        Assert.False(Directory.Exists(Path.Combine(_storage, "shacache")) && Directory.EnumerateFiles(Path.Combine(_storage, "shacache"), "*", SearchOption.AllDirectories).Any());
    }

    [Theory]
    [InlineData("/shacache/not-a-hash")]
    [InlineData("/shacache/ABCDEF")]
    public async Task GetWithABadHash_Answers400(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task GetOfUnknownContentOrKey_Answers404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/shacache/" + new string('a', 128))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/shadir/0123456789abcdef")).StatusCode);
    }

    [Fact]
    public async Task Uploads_NeedCredentials()
    {
        using var anonymous = await SendAsync(HttpMethod.Post, "/shacache", [1, 2, 3], authorized: false);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/shadir/key") { Content = new ByteArrayContent("[\"{}\", \"\"]"u8.ToArray()) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("uploader:wrong"u8.ToArray()));
        using var wrong = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task AnUploadOverTheLimit_Answers413_AndLeavesNothing()
    {
        using var response = await SendAsync(HttpMethod.Post, "/shacache", new byte[8192], authorized: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(_storage, "shacache")));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"a\": 1}")]
    [InlineData("[\"only one\"]")]
    [InlineData("[1, 2]")]
    [InlineData("[\"not an object\", \"\"]")]
    [InlineData("[\"{\\\"software_url\\\": \\\"x\\\"}\", \"\"]")]
    [InlineData("[\"{\\\"sha512\\\": \\\"short\\\"}\", \"\"]")]
    public async Task BadDirectoryEntries_Answer400(string body)
    {
        using var response = await SendAsync(HttpMethod.Put, "/shadir/some-key", Encoding.UTF8.GetBytes(body), authorized: true);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/shadir/some-key")).StatusCode);
    }

    [Fact]
    public async Task AnEntryForContentTheCacheDoesNotHold_Answers400()
    {
        var entry = new ShadirEntry($$"""{"sha512": "{{new string('b', 128)}}"}""", "c2ln");
        using var response = await SendAsync(HttpMethod.Put, "/shadir/k", entry.ToJson(), authorized: true);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Entries_AreListedNewestFirst_Once_AsPairs()
    {
        using var post = await SendAsync(HttpMethod.Post, "/shacache", "content"u8.ToArray(), authorized: true);
        var sha512 = await post.Content.ReadAsStringAsync();
        var first = new ShadirEntry($$"""{"sha512": "{{sha512}}", "os": ["debian", "12", ""]}""", "Zmlyc3Q=");
        var second = new ShadirEntry($$"""{"sha512": "{{sha512}}", "os": ["debian", "13", ""]}""", "c2Vjb25k");

        foreach (var entry in new[] { first, second, first })
        {
            using var put = await SendAsync(HttpMethod.Put, "/shadir/file-urlmd5:0123", entry.ToJson(), authorized: true);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var get = await _http.GetAsync("/shadir/file-urlmd5:0123");
        Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        var listed = ShadirEntry.ParseList(await get.Content.ReadAsByteArrayAsync());
        Assert.Equal([first, second], listed);
    }

    [Fact]
    public void Validator_RefusesAStoreWithoutDirectoryOrUploaders()
    {
        var validator = new BinaryCacheOptionsValidator();
        var result = validator.Validate(null, new BinaryCacheOptions { StorageDirectory = "relative" });
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("StorageDirectory", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("nobody could upload", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, new BinaryCacheOptions { StorageDirectory = "/tmp/x", AllowAnonymousUpload = true }).Succeeded);
    }

    [Fact]
    public async Task AHostWithABadConfiguration_DoesNotStart()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSlapOSBinaryCache();
        await using var app = builder.Build();
        app.MapSlapOSBinaryCache();
        await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[] body, bool authorized)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        if (authorized)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("uploader:s3cret"u8.ToArray()));
        }

        return await _http.SendAsync(request);
    }
}
