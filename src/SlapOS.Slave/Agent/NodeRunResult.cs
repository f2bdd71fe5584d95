namespace SlapOS.Slave.Agent;

/// <summary>The result of a node run: its exit code and what happened to each partition or release.</summary>
/// <param name="ExitCode">The exit code, as slapgrid's.</param>
/// <param name="Outcomes">One outcome per partition or release processed.</param>
/// <param name="Message">Why the run as a whole failed (lock held, master offline), if it did.</param>
public sealed record NodeRunResult(NodeExitCode ExitCode, IReadOnlyList<NodeItemOutcome> Outcomes, string? Message = null)
{
    /// <summary>The newest instance timestamp of the computer document the run worked from, if any.</summary>
    public InstanceTimestamp? NewestTimestamp { get; init; }

    /// <summary>The result of a run from its outcomes: any failure is 1, else any promise failure is 2, else 0.</summary>
    public static NodeRunResult FromOutcomes(IReadOnlyList<NodeItemOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var code = outcomes.Any(o => o.Status == NodeItemStatus.Failed) ? NodeExitCode.Failure
            : outcomes.Any(o => o.Status == NodeItemStatus.PromiseFailed) ? NodeExitCode.PromiseFailure
            : NodeExitCode.Ok;
        return new NodeRunResult(code, outcomes);
    }
}
