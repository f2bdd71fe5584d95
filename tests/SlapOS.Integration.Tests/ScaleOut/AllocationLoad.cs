using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace SlapOS.Integration.Tests.ScaleOut;

/// <summary>
/// Clients allocating through masters while their store fails, as users do: each requests a new title until it is
/// acknowledged (200: remembered with its partition and when), tries the same title again after a 503 (counted, and
/// whether it said Retry-After), and stops at any other answer, kept with its body so that a test names it. The store
/// outage and failover tests share it, and its reckoning of what the store kept (lost, double, moved).
/// </summary>
internal sealed class AllocationLoad : IAsyncDisposable
{
    public const string Release = "https://lab.nexedi.com/nexedi/slapos/raw/1.0.400/software/helloworld/software.cfg";

    private readonly ConcurrentQueue<TimeSpan> _acknowledgedAt = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients;
    private int _missingRetryAfter;
    private bool _stopped;
    private int _next;

    private AllocationLoad(IReadOnlyList<SharedStoreMaster> masters, int clients, string computer, string titlePrefix, int maxTitles)
    {
        _clients = [.. Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(masters[c % masters.Count], computer, titlePrefix, maxTitles)))];
    }

    /// <summary>Title → the partition it was acknowledged with.</summary>
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>HTTP status → how many answers had it.</summary>
    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    /// <summary>503 answers without Retry-After.</summary>
    public int MissingRetryAfter => Volatile.Read(ref _missingRetryAfter);

    /// <summary>Every answer that was neither 200 nor 503, with its status and body.</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    /// <summary>When each acknowledgement came, since the load started, in order.</summary>
    public IReadOnlyList<TimeSpan> AcknowledgedAt => [.. _acknowledgedAt.Order()];

    /// <summary>Since the load started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Whether every client has returned (stopped, out of titles, or stopped by an unexpected answer).</summary>
    public bool AllStopped => _clients.All(c => c.IsCompleted);

    /// <summary>
    /// Starts <paramref name="clients"/> clients on <paramref name="masters"/> (client i on master i mod n), requesting
    /// titles <paramref name="titlePrefix"/>1, 2… on <paramref name="computer"/>; none requests more than <paramref name="maxTitles"/>.
    /// </summary>
    public static AllocationLoad Start(IReadOnlyList<SharedStoreMaster> masters, int clients, string computer, string titlePrefix, int maxTitles = int.MaxValue) =>
        new(masters, clients, computer, titlePrefix, maxTitles);

    /// <summary>How many answers had <paramref name="status"/>.</summary>
    public int Count(HttpStatusCode status) => Statuses.GetValueOrDefault((int)status);

    /// <summary>The answers counted by status, for the test output.</summary>
    public string DescribeStatuses() => string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));

    /// <summary>Stops the clients and waits for them (a client's failure is thrown here).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients);
        }
        finally
        {
            _stop.Dispose();
        }
    }

    /// <summary>Stops the clients if the test did not (it failed before).</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>A bound on the test, not a timing assertion: waits up to two minutes for <paramref name="condition"/>.</summary>
    public static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    /// <inheritdoc cref="WaitForAsync(Func{bool}, string)"/>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var bound = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(bound.Elapsed < TimeSpan.FromMinutes(2), $"waited two minutes for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// What the store at <paramref name="connectionString"/> kept of the acknowledged allocations: lost (not stored),
    /// moved (stored in another partition than acknowledged) and double (a partition or a title stored twice).
    /// </summary>
    public async Task<(int Lost, int Doubled, int Moved)> ReckonAsync(string connectionString, string computer)
    {
        var stored = new List<(string Title, string Partition)>();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT title, partition_reference FROM instances WHERE computer_reference = @c", connection);
            command.Parameters.AddWithValue("c", computer);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var byTitle = stored.GroupBy(s => s.Title).ToDictionary(g => g.Key, g => g.Select(s => s.Partition).ToList(), StringComparer.Ordinal);
        var lost = Acknowledged.Count(x => !byTitle.ContainsKey(x.Key));
        var moved = Acknowledged.Count(x => byTitle.TryGetValue(x.Key, out var at) && !at.Contains(x.Value));
        var doubled = stored.GroupBy(s => s.Partition).Count(g => g.Count() > 1) + byTitle.Count(t => t.Value.Count > 1);
        return (lost, doubled, moved);
    }

    private async Task ClientAsync(SharedStoreMaster master, string computer, string titlePrefix, int maxTitles)
    {
        while (!_stop.IsCancellationRequested)
        {
            var number = Interlocked.Increment(ref _next);
            if (number > maxTitles)
            {
                return;
            }

            var title = titlePrefix + number;
            while (!_stop.IsCancellationRequested)
            {
                using var response = await master.Http.PostAsJsonAsync("/slapos.post.v0.software_instance", new Dictionary<string, object>
                {
                    ["title"] = title, ["software_release_uri"] = Release, ["software_type"] = "default",
                    ["sla_parameters"] = new Dictionary<string, string> { ["computer_guid"] = computer },
                });
                Statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var json = JsonDocument.Parse(body);
                    Acknowledged[title] = json.RootElement.GetProperty("compute_partition_id").GetString()!;
                    _acknowledgedAt.Enqueue(_clock.Elapsed);
                    break;
                }

                // Anything but "the store is away, try again" stops this client; the test asserts on what it kept.
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || !body.Contains("store-unavailable", StringComparison.Ordinal))
                {
                    _unexpected.Enqueue($"'{title}' at {_clock.Elapsed.TotalSeconds:F1} s: {(int)response.StatusCode} {body}");
                    return;
                }

                if (response.Headers.RetryAfter is null)
                {
                    Interlocked.Increment(ref _missingRetryAfter);
                }

                await Task.Delay(100);
            }
        }
    }
}
