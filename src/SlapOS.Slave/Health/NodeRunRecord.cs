using SlapOS.Slave.Agent;

namespace SlapOS.Slave.Health;

/// <summary>
/// What the node's runs last said about the master and about themselves, for its readiness check. Kept in
/// memory: a restarted node is not ready until its first run reaches the master again.
/// </summary>
internal sealed class NodeRunRecord(TimeProvider time)
{
    private readonly Lock gate = new();
    private DateTimeOffset? lastReached;
    private string? lastReachedCommand;
    private NodeRunResult? lastReachedResult;
    private DateTimeOffset? unreachableSince;
    private string? unreachableReason;

    /// <summary>Records a finished run of <paramref name="command"/> that held the node lock.</summary>
    public void Finished(string command, NodeRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (result.ExitCode == NodeExitCode.Offline)
            {
                unreachableSince ??= now;
                unreachableReason = result.Message;
                return;
            }

            unreachableSince = null;
            unreachableReason = null;
            lastReached = now;
            lastReachedCommand = command;
            lastReachedResult = result;
        }
    }

    /// <summary>What the runs said, as of now.</summary>
    public NodeRunSnapshot Snapshot()
    {
        lock (gate)
        {
            return new NodeRunSnapshot(lastReached, lastReachedCommand, lastReachedResult, unreachableSince, unreachableReason);
        }
    }
}
