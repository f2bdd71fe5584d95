namespace SlapOS.Slave.Agent;

/// <summary>A step of a run, for progress display.</summary>
/// <param name="Command">The command (<c>instance</c>, <c>software</c>…).</param>
/// <param name="Item">The partition reference or release URL being processed.</param>
/// <param name="Step">What is being done (<c>deploying</c>, <c>building</c>, <c>promises</c>…).</param>
public sealed record NodeProgress(string Command, string Item, string Step);
