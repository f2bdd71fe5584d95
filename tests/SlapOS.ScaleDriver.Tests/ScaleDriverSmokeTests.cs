using System.Diagnostics;
using Npgsql;

namespace SlapOS.ScaleDriver.Tests;

/// <summary>
/// Each scenario of the scale driver runs to its end with very small counts and reports correct counts
/// (every request answered, no error, no double allocation). No figure is asserted: benchmarks report.
/// </summary>
public sealed class ScaleDriverSmokeTests
{
    [Fact]
    public async Task Allocation_http_answers_every_request_with_a_distinct_partition_on_both_apis()
    {
        var (exit, output) = await RunAsync("allocation-http", "--computers", "2", "--partitions", "5", "--clients", "2");

        Assert.Equal(0, exit);
        // | api | clients | phase | requests | distinct partitions | errors |
        Assert.Contains("| json | 2 | allocate | 10 | 10 | 0 |", output, StringComparison.Ordinal);
        Assert.Contains("| json | 2 | re-request | 10 | 10 | 0 |", output, StringComparison.Ordinal);
        Assert.Contains("| xml | 2 | allocate | 10 | 10 | 0 |", output, StringComparison.Ordinal);
        Assert.Contains("| xml | 2 | re-request | 10 | 10 | 0 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_paths_answers_every_pinned_request_with_a_distinct_partition_per_layout()
    {
        var (exit, output) = await RunAsync("request-paths", "--layouts", "2x3,1x4", "--requests", "5");

        Assert.Equal(0, exit);
        // | layout | phase | requests | distinct partitions | errors |
        Assert.Contains("| 2 x 3 | distinct | 5 | 5 | 0 |", output, StringComparison.Ordinal);
        Assert.Contains("| 2 x 3 | re-request | 5 | 5 | 0 |", output, StringComparison.Ordinal);
        Assert.Contains("| 1 x 4 | distinct | 4 | 4 | 0 |", output, StringComparison.Ordinal);
        Assert.Contains("| 1 x 4 | re-request | 4 | 4 | 0 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Computer_document_fetches_the_whole_document_over_xml_and_json()
    {
        var (exit, output) = await RunAsync("computer-document", "--sizes", "4", "--iterations", "2");

        Assert.Equal(0, exit);
        Assert.Contains("| 4 | XML getFullComputerInformation (raw body) | 2 | 1 |", output, StringComparison.Ordinal);
        Assert.Contains("| 4 | XML client (fetch + decode) | 2 | 1 |", output, StringComparison.Ordinal);
        // Installation list, instance list, then two calls per instance.
        Assert.Contains("| 4 | JSON client (list + per instance) | 2 | 10 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_polls_polls_every_computer_once_and_wakes_the_waiting_node()
    {
        var (exit, output) = await RunAsync("node-polls", "--computers", "5", "--seconds", "2", "--period", "2", "--wakeups", "1");

        Assert.Equal(0, exit);
        // | computers | polls | HTTP requests (a document and a report each) | errors |
        Assert.Contains("| 5 | 5 | 10 | 0 |", output, StringComparison.Ordinal);
        Assert.DoesNotContain("was not woken up", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_polls_over_the_json_client_polls_every_computer_once()
    {
        var (exit, output) = await RunAsync("node-polls", "--api", "json", "--computers", "5", "--seconds", "2", "--period", "2", "--wakeups", "1");

        Assert.Equal(0, exit);
        Assert.Contains("JSON client: software and instance lists", output, StringComparison.Ordinal);
        Assert.Contains("| 5 | 5 | 10 | 0 |", output, StringComparison.Ordinal);
        Assert.DoesNotContain("was not woken up", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_converge_deploys_answers_and_destroys_every_partition()
    {
        var (exit, output) = await RunAsync("node-converge", "--partitions", "2");

        Assert.Equal(0, exit);
        Assert.Contains("| instances started with their URL answering | | 2/2 |", output, StringComparison.Ordinal);
        Assert.Contains("exit Ok (2 skipped)", output, StringComparison.Ordinal);
        Assert.Contains("0 instances left", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binary_cache_installs_on_node_2_without_building()
    {
        var (exit, output) = await RunAsync("binary-cache", "--sources", "1", "--payload-mib", "1", "--runs", "1");

        Assert.Equal(0, exit);
        // | run | … | builds run on nodes 3, 1, 2 |: node 3 and node 1 build, node 2 installs from the cache.
        Assert.Contains("| 1, 1, 0 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_stores_one_row_per_partition_of_every_document_on_both_apis()
    {
        var (exit, output) = await RunAsync("usage", "--computers", "3", "--partitions", "4", "--clients", "2");

        Assert.Equal(0, exit);
        // | api | clients | documents | errors | rows stored |
        Assert.Contains("| json | 2 | 3 | 0 | 12 |", output, StringComparison.Ordinal);
        Assert.Contains("| xml | 2 | 3 | 0 | 12 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contention_between_two_masters_allocates_every_free_partition_once()
    {
        var postgres = Environment.GetEnvironmentVariable("SLAPOS_TEST_POSTGRES") is { Length: > 0 } value
            ? new NpgsqlConnectionStringBuilder(value) { Database = "postgres" }.ConnectionString
            : throw new InvalidOperationException("SLAPOS_TEST_POSTGRES is not set: run the suite with scripts/test.sh, which starts PostgreSQL.");

        var (exit, output) = await RunAsync("contention", "--postgres", postgres, "--computers", "4", "--partitions", "5", "--clients", "4");

        Assert.Equal(0, exit);
        // 4 x 5 partitions, 95 % full: 1 free, 2 requests → 1 allocated, 1 "no free partition", 0 errors.
        Assert.Contains("| 4 | 2 | 1 | 1 | 0 |", output, StringComparison.Ordinal);
        Assert.Contains("double allocations: 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wake_up_across_two_masters_answers_every_change_as_changed()
    {
        var postgres = Environment.GetEnvironmentVariable("SLAPOS_TEST_POSTGRES") is { Length: > 0 } value
            ? new NpgsqlConnectionStringBuilder(value) { Database = "postgres" }.ConnectionString
            : throw new InvalidOperationException("SLAPOS_TEST_POSTGRES is not set: run the suite with scripts/test.sh, which starts PostgreSQL.");

        var (exit, output) = await RunAsync("wake-up", "--postgres", postgres, "--changes", "5");

        Assert.Equal(0, exit);
        Assert.Contains("| 5 | ", output, StringComparison.Ordinal);
        Assert.Contains("answered changed=false: 0", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SlapOS.ScaleDriver.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await errors);
    }
}
