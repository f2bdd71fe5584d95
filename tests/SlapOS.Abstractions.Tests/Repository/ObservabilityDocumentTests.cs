using System.Text.RegularExpressions;

namespace SlapOS.Tests.Repository;

/// <summary>
/// docs/observability.md lists every span, metric instrument and log event of the code (src and samples): a new one
/// that is not documented fails here, with its name.
/// </summary>
public sealed partial class ObservabilityDocumentTests
{
    private static readonly Lazy<string> Document = new(() => File.ReadAllText(RepositoryRoot.Combine("docs", "observability.md")));

    private static IEnumerable<(string File, string Text)> Sources() =>
        new[] { "src", "samples" }
            .SelectMany(d => Directory.EnumerateFiles(RepositoryRoot.Combine(d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            // The templates' sources are the integrator's code once instantiated, not events of the SDK.
            .Where(f => !f.Contains($"SlapOS.Templates{Path.DirectorySeparatorChar}templates{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(RepositoryRoot.Path, f), File.ReadAllText(f)));

    [Fact]
    public void Every_activity_name_is_listed()
    {
        var names = Sources().SelectMany(s => ActivityName().Matches(s.Text).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.Contains("slapos.master.request", names);
        Assert.Contains("slapos.slave.instance.deploy", names);
        // A composed name ("slapgrid " + command) is listed by its literal start.
        Assert.DoesNotContain(names, n => !Document.Value.Contains(n.EndsWith(' ') ? $"`{n}" : $"`{n}`", StringComparison.Ordinal));
        Assert.Contains("`slapgrid instance`", Document.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_metric_instrument_is_listed()
    {
        var instruments = Sources().SelectMany(s => Instrument().Matches(s.Text).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.True(instruments.Count >= 10, string.Join(", ", instruments));
        Assert.DoesNotContain(instruments, n => !Document.Value.Contains($"`{n}`", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_log_event_is_listed_with_its_id()
    {
        var missing = new List<string>();
        var count = 0;
        foreach (var (file, text) in Sources())
        {
            foreach (Match m in LogEvent().Matches(text))
            {
                count++;
                var id = IdOf(m.Groups["args"].Value);
                var row = $"| {id} | `{m.Groups["name"].Value}` |";
                if (!Document.Value.Contains(row, StringComparison.Ordinal))
                {
                    missing.Add($"{file}: {row}");
                }
            }
        }

        Assert.True(count >= 100, $"only {count} log events found");
        Assert.Empty(missing);
    }

    private static string IdOf(string args)
    {
        var named = Regex.Match(args, @"EventId\s*=\s*(\d+)");
        if (named.Success)
        {
            return named.Groups[1].Value;
        }

        var positional = Regex.Match(args, @"^\s*(\d+)");
        return positional.Success ? positional.Groups[1].Value : "0 (none)";
    }

    /// <summary>A literal activity name, or the literal start of a composed one (<c>"slapgrid " + command</c>).</summary>
    [GeneratedRegex(@"(?:StartActivity|StartInRequestTrace|StartLinkedToRequests)\(\s*""([^""]+)""")]
    private static partial Regex ActivityName();

    [GeneratedRegex(@"Create(?:Counter|Histogram|UpDownCounter|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)<\w+>\(\s*""([^""]+)""")]
    private static partial Regex Instrument();

    [GeneratedRegex(@"\[LoggerMessage\((?<args>.*?)\)\]\s*(?:\[[^\]]*\]\s*)*(?:public|internal|private)?\s*(?:static\s+)?partial\s+void\s+(?<name>\w+)", RegexOptions.Singleline)]
    private static partial Regex LogEvent();
}
