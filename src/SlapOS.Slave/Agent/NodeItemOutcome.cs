namespace SlapOS.Slave.Agent;

/// <summary>The outcome of one partition or release in a run.</summary>
/// <param name="Item">The partition reference or the release URL.</param>
/// <param name="Status">What happened.</param>
/// <param name="Message">Why (the error, or why it was skipped).</param>
public sealed record NodeItemOutcome(string Item, NodeItemStatus Status, string? Message = null);
