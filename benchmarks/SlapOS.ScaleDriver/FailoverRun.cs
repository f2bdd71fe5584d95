using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SlapOS.ScaleDriver;

/// <summary>
/// The clients of the <c>failover</c> scenario: each asks for its share of distinct instances (pinned to a computer by
/// <c>computer_guid</c>) until acknowledged: a 503 is retried on the same master after a short pause, a refused or
/// broken connection on the next master (a request may have committed before its master died: the retry of the same
/// title must find the same partition, else it "moved"). Records every acknowledgement and what was answered.
/// </summary>
internal sealed class FailoverRun(IReadOnlyList<string> masters, int clients, int requests, int computers)
{
    private readonly Stopwatch _clock = new();
    private int _next = -1;
    private int _unavailable;
    private int _missingRetryAfter;
    private int _connectionErrors;
    private int _other;

    /// <summary>Acknowledged title → (computer, partition) it was acknowledged with.</summary>
    public ConcurrentDictionary<string, (string Computer, string Partition)> Placed { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<TimeSpan> AcknowledgedAt { get; } = new();

    /// <summary>From a request's first attempt to its acknowledgement, in milliseconds.</summary>
    public ConcurrentBag<double> Latencies { get; } = [];

    public int Acknowledged => Placed.Count;

    public int Unavailable => _unavailable;

    public int MissingRetryAfter => _missingRetryAfter;

    public int ConnectionErrors => _connectionErrors;

    public int Other => _other;

    public double Seconds { get; private set; }

    public TimeSpan Mark(string what)
    {
        var at = _clock.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{at.TotalSeconds,6:F1} s  {what} ({Acknowledged} acknowledged)"));
        return at;
    }

    /// <summary>Waits (bounded by five minutes) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitForAsync(Func<bool> condition)
    {
        var bound = Stopwatch.StartNew();
        while (!condition())
        {
            if (bound.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("the failover run made no progress for five minutes");
            }

            await Task.Delay(10);
        }
    }

    public async Task RunAsync(TimeSpan bound)
    {
        var http = masters.Select(url => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, ConnectTimeout = TimeSpan.FromSeconds(2) })
        {
            BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        }).ToList();
        try
        {
            _clock.Start();
            using var stop = new CancellationTokenSource(bound);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, http, stop.Token))));
            Seconds = _clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var client in http)
            {
                client.Dispose();
            }
        }
    }

    private async Task ClientAsync(int client, List<HttpClient> http, CancellationToken cancellationToken)
    {
        var master = client % http.Count;
        int i;
        while ((i = Interlocked.Increment(ref _next)) < requests && !cancellationToken.IsCancellationRequested)
        {
            var title = $"failover-{i:D6}";
            var computer = MasterServer.ComputerName(i % computers);
            var started = Stopwatch.GetTimestamp();
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    using var response = await http[master].PostAsJsonAsync("slapos.post.v0.software_instance", new Dictionary<string, object>
                    {
                        ["title"] = title, ["software_release_uri"] = MasterServer.Release, ["software_type"] = "default",
                        ["sla_parameters"] = new Dictionary<string, string> { ["computer_guid"] = computer },
                    }, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                        Placed[title] = (computer, json.RootElement.GetProperty("compute_partition_id").GetString()!);
                        AcknowledgedAt.Enqueue(_clock.Elapsed);
                        Latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        break;
                    }

                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref _unavailable);
                        if (response.Headers.RetryAfter is null)
                        {
                            Interlocked.Increment(ref _missingRetryAfter);
                        }

                        await Task.Delay(100, cancellationToken);
                        continue;
                    }

                    if (Interlocked.Increment(ref _other) <= 3)
                    {
                        Console.Error.WriteLine($"{title}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    }

                    break;
                }
                catch (HttpRequestException)
                {
                    // Refused or broken: this master is gone; go to the next one, as a load balancer would.
                    Interlocked.Increment(ref _connectionErrors);
                    master = (master + 1) % http.Count;
                }
            }
        }
    }
}
