using System.Diagnostics;
using System.Text.Json;

namespace SlapOS.Providers.Tests.Buildout;

/// <summary>
/// Profiles evaluated by our engine and by the real zc.buildout 2.13 (Debian's
/// python3-zc.buildout, with its collections.abc aliases for Python 3.11): extends, macros,
/// <c>+=</c>/<c>-=</c> and substitutions must give the same option values. Two deliberate
/// differences are left out (see docs/buildout.md): <c>$${</c> gives <c>${</c> (as buildout 3),
/// and <c>key +=</c> with nothing to add to gives the added lines.
/// </summary>
public class BuildoutDifferentialTests : IDisposable
{
    private const string Launcher = """
        import collections, collections.abc, json, sys
        for name in ('MutableMapping', 'Mapping', 'Sequence', 'Callable'):
            setattr(collections, name, getattr(collections.abc, name))
        import zc.buildout.buildout as b
        directory, sections = sys.argv[1], sys.argv[2:]
        bo = b.Buildout(directory + '/buildout.cfg', [('buildout', 'directory', directory), ('buildout', 'offline', 'true')], user_defaults=False)
        print(json.dumps({s: dict(bo[s]) for s in sections}))
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string[]> Scenarios => new()
    {
        {
            """
            base.cfg
            [buildout]
            parts = a
            [macro]
            x = 1
            lines =
              l1
              l2
            [s]
            v = base
            w = ${:v}!
            ---
            buildout.cfg
            [buildout]
            extends = base.cfg
            parts += b
            [a]
            <= macro
            lines += l3
            lines -= l1
            ref = ${s:v}-${:x} ${s:w}
            [s]
            v = top
            """,
            ["a", "s"]
        },
        {
            """
            one.cfg
            [buildout]
            [s]
            a = one
            list =
              x
              y
            ---
            sub/two.cfg
            [buildout]
            extends = ../one.cfg
            [s]
            b = two ${:a}
            list += z
            ---
            buildout.cfg
            [buildout]
            extends = sub/two.cfg
            [s]
            list -= x
            c = ${:b} ${buildout:directory}
            [t]
            <= s
            a = overridden
            """,
            ["s", "t"]
        },
        {
            """
            buildout.cfg
            [buildout]
            [m1]
            a = 1
            b = 1
            [m2]
            <= m1
            b = 2
            c = 2
            [u]
            <= m2
              m1
            d = ${:a}${:b}${:c}
            """,
            ["u"]
        },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Evaluates_like_zc_buildout(string files, string[] sections)
    {
        foreach (var file in files.ReplaceLineEndings("\n").Split("\n---\n"))
        {
            var newline = file.IndexOf('\n', StringComparison.Ordinal);
            _dir.Write(file[..newline].Trim(), file[(newline + 1)..] + "\n");
        }

        var theirs = await EvaluateWithZcBuildoutAsync(sections);
        var ours = await BuildoutRunner.LoadAsync(Path.Combine(_dir.Path, "buildout.cfg"));

        foreach (var section in sections)
        {
            var mine = ours.GetOptions(section).Where(p => p.Key != "_profile_base_location_").OrderBy(p => p.Key, StringComparer.Ordinal);
            Assert.Equal(theirs[section].OrderBy(p => p.Key, StringComparer.Ordinal), mine);
        }
    }

    private async Task<Dictionary<string, Dictionary<string, string>>> EvaluateWithZcBuildoutAsync(string[] sections)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir.Path,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Launcher);
        start.ArgumentList.Add(_dir.Path);
        foreach (var section in sections)
        {
            start.ArgumentList.Add(section);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "zc.buildout failed (is python3-zc.buildout installed?): " + error);
        var json = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        return JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(json)!;
    }
}
