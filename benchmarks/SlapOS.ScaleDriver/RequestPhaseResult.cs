namespace SlapOS.ScaleDriver;

/// <summary>What one <see cref="RequestPhase"/> measured.</summary>
/// <param name="Answered">Requests answered with an instance.</param>
/// <param name="DistinctPartitions">Distinct (computer, partition) pairs given, shared instances aside.</param>
/// <param name="Errors">Requests that failed (the first is printed to stderr).</param>
/// <param name="Seconds">How long the phase took.</param>
/// <param name="Latencies">The latency columns (<see cref="Measure.Latencies"/>): p50, p99, max.</param>
/// <param name="MasterCpuSeconds">CPU the master process used over the phase.</param>
/// <param name="DriverCpuSeconds">CPU this driver used over the phase.</param>
internal sealed record RequestPhaseResult(int Answered, int DistinctPartitions, int Errors, double Seconds, string Latencies, double MasterCpuSeconds, double DriverCpuSeconds)
{
    /// <summary>Answered requests per second.</summary>
    public double PerSecond => Answered / Seconds;
}
