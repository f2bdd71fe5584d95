using System.Globalization;

namespace SlapOS.Providers.Supervisord;

/// <summary>One entry of supervisord's <c>getAllProcessInfo</c>.</summary>
internal sealed record SupervisordProcessInfo(string Group, string Name, int State, int Pid, long Start, long Stop, int ExitStatus, string SpawnError)
{
    // supervisor.states.ProcessStates
    public const int Stopped = 0;
    public const int Starting = 10;
    public const int Running = 20;
    public const int Backoff = 30;
    public const int Stopping = 40;
    public const int Exited = 100;
    public const int Fatal = 200;

    /// <summary>Whether supervisord counts it as running (it must be stopped before its group can be removed).</summary>
    public bool IsActive => State is Starting or Running or Backoff or Stopping;

    public string Key => Group + ":" + Name;

    public static SupervisordProcessInfo Parse(object? value)
    {
        if (value is not Dictionary<string, object?> s)
        {
            throw new FormatException("supervisord process info is not a struct.");
        }

        return new SupervisordProcessInfo(
            Text(s, "group"),
            Text(s, "name"),
            Number(s, "state"),
            Number(s, "pid"),
            Number(s, "start"),
            Number(s, "stop"),
            Number(s, "exitstatus"),
            Text(s, "spawnerr"));
    }

    public ProgramState ToProgramState() => State switch
    {
        Stopped => ProgramState.Stopped,
        Starting => ProgramState.Starting,
        Running => ProgramState.Running,
        Backoff => ProgramState.Backoff,
        Stopping => ProgramState.Stopping,
        Exited => ProgramState.Exited,
        _ => ProgramState.Fatal,
    };

    private static string Text(Dictionary<string, object?> s, string key) =>
        s.GetValueOrDefault(key) switch
        {
            string text => text,
            null => string.Empty,
            var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
        };

    private static int Number(Dictionary<string, object?> s, string key) => s.GetValueOrDefault(key) is int i ? i : 0;
}
