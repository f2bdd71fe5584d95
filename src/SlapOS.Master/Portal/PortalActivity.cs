namespace SlapOS.Master.Portal;

/// <summary>One line of recent activity: something requested or reported, and when.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">What happened: <c>request</c>, <c>instance report</c>, <c>release report</c>, <c>contact</c>.</param>
/// <param name="Subject">What it is about (an instance title or a computer and release).</param>
/// <param name="Detail">The state or error.</param>
/// <param name="Link">The portal page to look at, if any.</param>
internal sealed record PortalActivity(DateTimeOffset At, string Kind, string Subject, string Detail, string? Link);
