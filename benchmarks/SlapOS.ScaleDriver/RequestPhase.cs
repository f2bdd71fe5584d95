using System.Collections.Concurrent;
using System.Diagnostics;

namespace SlapOS.ScaleDriver;

/// <summary>
/// One timed phase of instance requests through a node's real master client, as the allocation-http and request-paths
/// scenarios run them: <c>clients</c> concurrent callers take the next index until <c>total</c> requests or the time
/// limit, the i-th request made by <c>request(i)</c>; it counts the answers, the distinct partitions given and the
/// errors (the first one printed), with the latencies and the CPU of the master and of the driver over the phase.
/// </summary>
internal static class RequestPhase
{
    public static async Task<RequestPhaseResult> RunAsync(string label, ISlapMasterClient client, MasterProcess master, int clients, int total, TimeSpan limit, Func<int, InstanceRequest> request)
    {
        var next = -1;
        var errors = 0;
        var given = new ConcurrentDictionary<(string?, string?), int>();
        var latencies = new ConcurrentBag<double>();
        var masterCpu = master.CpuSeconds;
        var driverCpu = Measure.CpuSeconds();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && clock.Elapsed < limit)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var instance = await client.RequestInstanceAsync(request(i), default);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    given.AddOrUpdate((instance.ComputerReference, instance.PartitionReference), 1, (_, c) => c + 1);
                }
                catch (Exception e) when (e is SlapException or HttpRequestException)
                {
                    if (Interlocked.Increment(ref errors) == 1)
                    {
                        Console.Error.WriteLine($"{label}: {e.Message}");
                    }
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        return new RequestPhaseResult(latencies.Count, given.Keys.Count(k => k.Item2 is not null), errors, seconds,
            Measure.Latencies(latencies), master.CpuSeconds - masterCpu, Measure.CpuSeconds() - driverCpu);
    }
}
