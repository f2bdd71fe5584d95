using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SlapOS.Providers.Supervisord;

/// <summary>
/// Writes supervisord's configuration the way SlapOS does: <c>[program:slappartN_name]</c> with
/// <c>process_name = name</c> (<c>name-on-watch</c> for a watched service) in a
/// <c>[group:slappartN]</c>, one file per partition under <c>supervisord.conf.d/</c>.
/// </summary>
internal static partial class SupervisordConfig
{
    /// <summary>SlapOS's mark of a watched service (slapos.grid.SlapObject.WATCHDOG_MARK).</summary>
    public const string WatchMark = "-on-watch";

    /// <summary>The main configuration: socket, pid file, log, and the include of the partitions' files.</summary>
    public static string Main(SupervisordOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by SlapOS for .NET (UseSupervisord); partitions are in supervisord.conf.d/.");
        text.AppendLine("[unix_http_server]");
        text.AppendLine(CultureInfo.InvariantCulture, $"file = {Value(options.SocketPath)}");
        text.AppendLine("chmod = 0700");
        text.AppendLine();
        text.AppendLine("[supervisord]");
        text.AppendLine(CultureInfo.InvariantCulture, $"logfile = {Value(options.LogFile)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"pidfile = {Value(options.PidFile)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"childlogdir = {Value(options.Directory)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"directory = {Value(options.Directory)}");
        text.AppendLine("logfile_maxbytes = 10MB");
        text.AppendLine("logfile_backups = 3");
        text.AppendLine("loglevel = info");
        text.AppendLine("nodaemon = false");
        text.AppendLine();
        text.AppendLine("[supervisorctl]");
        text.AppendLine(CultureInfo.InvariantCulture, $"serverurl = unix://{Value(options.SocketPath)}");
        text.AppendLine();
        text.AppendLine("[rpcinterface:supervisor]");
        text.AppendLine("supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface");
        text.AppendLine();
        text.AppendLine("[include]");
        text.AppendLine(CultureInfo.InvariantCulture, $"files = {Value(Path.Combine(options.IncludeDirectory, "*.conf"))}");
        return text.ToString();
    }

    /// <summary>The file of one partition's group.</summary>
    public static string Group(string group, IReadOnlyList<ProgramDefinition> programs, SupervisordOptions options, bool asRoot)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Written by SlapOS for .NET (UseSupervisord): partition {group}.");
        if (!options.GroupPerProgram)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"[group:{group}]");
            text.AppendLine(CultureInfo.InvariantCulture, $"programs = {string.Join(',', programs.Select(p => ProgramSection(group, p.Name)))}");
            text.AppendLine();
        }

        foreach (var program in programs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"[program:{ProgramSection(group, program.Name)}]");
            text.AppendLine(CultureInfo.InvariantCulture, $"process_name = {ProcessName(program)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"command = {Value(Command(program))}");
            text.AppendLine(CultureInfo.InvariantCulture, $"directory = {Value(program.WorkingDirectory)}");
            text.AppendLine("autostart = false");
            text.AppendLine(CultureInfo.InvariantCulture, $"autorestart = {(program.AutoRestart ? "true" : "false")}");
            text.AppendLine(CultureInfo.InvariantCulture, $"startsecs = {options.StartSeconds}");
            text.AppendLine(CultureInfo.InvariantCulture, $"startretries = {options.StartRetries}");
            text.AppendLine("exitcodes = 0");
            text.AppendLine("stopsignal = TERM");
            text.AppendLine(CultureInfo.InvariantCulture, $"stopwaitsecs = {StopWaitSeconds(program)}");
            text.AppendLine("stopasgroup = true");
            text.AppendLine("killasgroup = true");
            if (asRoot && program.User is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"user = {Value(program.User)}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"stdout_logfile = {Value(StdoutLog(program))}");
            if (program.StderrLogFile is null)
            {
                text.AppendLine("redirect_stderr = true");
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"stderr_logfile = {Value(program.StderrLogFile)}");
            }

            var environment = Environment(program, asRoot);
            if (environment.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"environment = {environment}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>The program section name (SlapOS: <c>&lt;partition&gt;_&lt;name&gt;</c>).</summary>
    public static string ProgramSection(string group, string name) => group + "_" + name;

    /// <summary>supervisord's process name (SlapOS marks watched services with <c>-on-watch</c>).</summary>
    public static string ProcessName(ProgramDefinition program) => program.Watched ? program.Name + WatchMark : program.Name;

    /// <summary>The program name back from supervisord's process name.</summary>
    public static string ProgramName(string processName) =>
        processName.EndsWith(WatchMark, StringComparison.Ordinal) ? processName[..^WatchMark.Length] : processName;

    /// <summary>Whether supervisord's process belongs to the partition <paramref name="group"/>.</summary>
    public static bool Belongs(SupervisordProcessInfo info, string group, bool groupPerProgram) =>
        groupPerProgram
            ? string.Equals(info.Group, ProgramSection(group, ProgramName(info.Name)), StringComparison.Ordinal)
            : string.Equals(info.Group, group, StringComparison.Ordinal);

    /// <summary>supervisord's group names for the partition's programs.</summary>
    public static IEnumerable<string> SupervisordGroups(string group, IEnumerable<string> programNames, bool groupPerProgram) =>
        groupPerProgram ? programNames.Select(n => ProgramSection(group, n)) : [group];

    /// <summary>The program names of a partition file written by <see cref="Group"/>.</summary>
    public static IEnumerable<string> ProgramsIn(string groupFile, string group)
    {
        var prefix = "[program:" + group + "_";
        foreach (var line in groupFile.Split('\n'))
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal) && line.EndsWith(']'))
            {
                yield return line[prefix.Length..^1];
            }
        }
    }

    /// <summary>supervisord's stop wait is whole seconds: round up so the program gets at least its timeout.</summary>
    public static int StopWaitSeconds(ProgramDefinition program) => Math.Max(1, (int)Math.Ceiling(program.StopTimeout.TotalSeconds));

    /// <summary>The default stdout log, the same as the native supervisor's.</summary>
    public static string StdoutLog(ProgramDefinition program) =>
        program.StdoutLogFile ?? Path.Combine(program.WorkingDirectory, "var", "log", program.Name + ".log");

    /// <summary>Checks that a group and its programs can be written to supervisord's configuration unchanged.</summary>
    public static void Validate(string group, IReadOnlyList<ProgramDefinition> programs)
    {
        SlapReference.Validate(group, "group");
        if (!NamePattern().IsMatch(group))
        {
            throw new SlapValidationException("group", "must contain only letters, digits and . _ - @ + for supervisord");
        }

        foreach (var program in programs)
        {
            SlapReference.Validate(program.Name, "program");
            if (!NamePattern().IsMatch(program.Name))
            {
                throw new SlapValidationException("program", $"'{program.Name}' must contain only letters, digits and . _ - @ + for supervisord");
            }

            if (program.User is not null && !NamePattern().IsMatch(program.User))
            {
                throw new SlapValidationException("user", $"'{program.User}' is not a valid user name");
            }

            foreach (var key in program.Environment.Keys)
            {
                if (!EnvironmentKeyPattern().IsMatch(key))
                {
                    throw new SlapValidationException("environment", $"'{key}' is not a valid variable name for supervisord");
                }
            }

            foreach (var value in program.Environment.Values)
            {
                if (value.Contains('"', StringComparison.Ordinal) && value.Contains('\'', StringComparison.Ordinal))
                {
                    throw new SlapValidationException("environment", "a value cannot hold both kinds of quotes in supervisord's configuration");
                }
            }
        }

        var duplicate = programs.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new SlapValidationException("program", $"'{duplicate.Key}' is defined twice in group '{group}'");
        }
    }

    /// <summary>The command line, quoted for supervisord's <c>shlex.split</c>.</summary>
    private static string Command(ProgramDefinition program) =>
        string.Join(' ', new[] { program.Command }.Concat(program.Arguments).Select(ShellQuote));

    /// <summary>
    /// Quotes a word for <c>shlex.split</c>. <c>;</c> and <c>#</c> are left outside the quotes, right
    /// after a closing quote, so supervisord's parser never sees them after whitespace (an inline
    /// comment there); shlex joins the pieces back into one word.
    /// </summary>
    private static string ShellQuote(string word) =>
        word.Length > 0 && SafeWordPattern().IsMatch(word)
            ? word
            : "'" + word
                .Replace("'", "'\"'\"'", StringComparison.Ordinal)
                .Replace(";", "';'", StringComparison.Ordinal)
                .Replace("#", "'#'", StringComparison.Ordinal) + "'";

    private static string Environment(ProgramDefinition program, bool asRoot)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (asRoot && program.User is not null)
        {
            // supervisord passes its own (root's) environment on: name the user as SlapOS does.
            variables["USER"] = program.User;
            variables["LOGNAME"] = program.User;
        }

        foreach (var (key, value) in program.Environment)
        {
            variables[key] = value;
        }

        return string.Join(',', variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v =>
        {
            var quote = v.Value.Contains('"', StringComparison.Ordinal) ? '\'' : '"';
            return Value($"{v.Key}={quote}{v.Value}{quote}");
        }));
    }

    /// <summary>
    /// A value as supervisord's parser reads it back: <c>%</c> doubled (it expands <c>%(name)s</c>);
    /// no line break, and no <c>;</c> or <c>#</c> after whitespace (an inline comment there).
    /// </summary>
    private static string Value(string value)
    {
        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal) || InlineCommentPattern().IsMatch(value))
        {
            throw new SlapValidationException("program", $"'{value}' cannot be written to supervisord's configuration (line break, or ';'/'#' after a space)");
        }

        return value.Replace("%", "%%", StringComparison.Ordinal);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@+-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentKeyPattern();

    [GeneratedRegex("^[A-Za-z0-9_./=:@+,-]+$")]
    private static partial Regex SafeWordPattern();

    [GeneratedRegex(@"\s[;#]")]
    private static partial Regex InlineCommentPattern();
}
