using System.Globalization;

namespace SlapOS.Master.Portal;

/// <summary>How the portal writes times, states and its own links.</summary>
internal static class PortalFormat
{
    public static Markup Time(DateTimeOffset? value)
    {
        if (value is not { } time)
        {
            return new Markup("<span class=\"muted\">never</span>");
        }

        var utc = time.ToUniversalTime();
        return new HtmlBuilder()
            .Add($"<time datetime=\"{utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\">{utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC</time>")
            .ToMarkup();
    }

    /// <summary>When an instance's timestamp was bumped (it counts microseconds since the Unix epoch).</summary>
    public static DateTimeOffset TimeOf(InstanceTimestamp timestamp) =>
        timestamp.Microseconds <= 0 ? DateTimeOffset.UnixEpoch : DateTimeOffset.UnixEpoch.AddTicks(timestamp.Microseconds * 10);

    public static Markup State(string word, string? tone = null) =>
        new HtmlBuilder().Add($"<span class=\"state state-{tone ?? word}\">{word}</span>").ToMarkup();

    public static Markup Requested(RequestedState state) => State(state.ToWire());

    public static Markup Reported(ReportedState state) => state switch
    {
        ReportedState.None => State("not reported", "none"),
        ReportedState.Error => State("error"),
        _ => State(state.ToWire()),
    };

    public static Markup Installation(SoftwareInstallation installation) =>
        installation.ReportedState is { } reported ? State(reported.ToWire()) : State("not reported", "none");

    public static string ComputerPath(string computer) => $"{PortalEndpoints.Root}/computers/{Uri.EscapeDataString(computer)}";

    public static string TreePath(string root) => $"{PortalEndpoints.Root}/trees/{Uri.EscapeDataString(root)}";
}
