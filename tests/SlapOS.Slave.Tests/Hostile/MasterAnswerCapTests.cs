using Microsoft.Extensions.DependencyInjection;

namespace SlapOS.Slave.Tests.Hostile;

/// <summary>
/// The node's cap on a master's answer counts bytes after decompression, whatever the framing: a master
/// on loopback sends chunked and gzip bombs, and the node refuses each with a message naming the cap.
/// </summary>
public class MasterAnswerCapTests
{
    private const long Cap = 1024 * 1024;
    private const long Bomb = 100L * 1024 * 1024;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var api in new[] { "json", "xml" })
        {
            foreach (var framing in new[] { "chunked", "gzip", "gzip+chunked" })
            {
                data.Add(api, framing);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bomb_answer_is_refused_at_the_cap(string api, string framing)
    {
        var (prefix, suffix) = api == "json"
            ? ("{\"result_list\":[{\"software_release_uri\":\"", "\"}]}")
            : ("<?xml version='1.0' encoding='UTF-8'?><marshal><string>", "</string></marshal>");
        await using var master = new LoopbackMaster(_ => framing switch
        {
            "chunked" => LoopbackAnswer.Chunked(prefix, "A", Bomb, suffix),
            "gzip" => LoopbackAnswer.Gzip(prefix, Bomb, suffix, chunked: false),
            _ => LoopbackAnswer.Gzip(prefix, Bomb, suffix, chunked: true),
        });
        await using var node = HostileNode.Client(api, master.Url, Cap);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<MasterUnreachableException>(() =>
            node.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync("COMP-HOSTILE", timeout.Token));

        Assert.Contains("larger than 1048576 bytes (counted after decompression)", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(master.Requests);
    }

    [Fact]
    public async Task The_default_cap_is_64_MiB_and_holds_for_a_100_MB_chunked_string()
    {
        await using var master = new LoopbackMaster(_ =>
            LoopbackAnswer.Chunked("{\"result_list\":[{\"software_release_uri\":\"", "A", Bomb, "\"}]}", "application/json"));
        await using var node = HostileNode.Client("json", master.Url);

        var error = await Assert.ThrowsAsync<MasterUnreachableException>(() =>
            node.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync("COMP-HOSTILE", CancellationToken.None));

        Assert.Contains("larger than 67108864 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_answer_within_the_cap_is_read()
    {
        await using var master = new LoopbackMaster(_ => LoopbackAnswer.Gzip("{\"result_list\":[]", 0, "}", chunked: true, "application/json"));
        await using var node = HostileNode.Client("json", master.Url, Cap);

        var document = await node.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync("COMP-HOSTILE", CancellationToken.None);

        Assert.Empty(document.Partitions);
        Assert.Equal(2, master.Requests.Count);
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_before_reading()
    {
        await using var master = new LoopbackMaster(_ => new LoopbackAnswer(200, "application/json", [("Content-Length", "999999999")], (_, _) => Task.CompletedTask));
        await using var node = HostileNode.Client("json", master.Url, Cap);

        var error = await Assert.ThrowsAsync<MasterUnreachableException>(() =>
            node.GetRequiredService<ISlapMasterClient>().GetComputerDocumentAsync("COMP-HOSTILE", CancellationToken.None));

        Assert.Contains("larger than 1048576 bytes", error.Message, StringComparison.Ordinal);
    }
}
