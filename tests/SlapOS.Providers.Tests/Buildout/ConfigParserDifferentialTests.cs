using System.Diagnostics;
using System.Text.Json;
using SlapOS.Providers.Buildout;

namespace SlapOS.Providers.Tests.Buildout;

/// <summary>
/// Our parser against zc.buildout's own <c>configparser.parse</c> (Debian's python3-zc.buildout,
/// which the test script installs): the same files must give the same sections and values.
/// </summary>
public class ConfigParserDifferentialTests
{
    public static TheoryData<string> Profiles => new()
    {
        "[s]\nx = 1\n  2\n",
        "[s]\ny =\n  a\n\n    b\n  c\n\n",
        "# c\n; c\n[buildout]\nparts = a b\n[a] # comment\nrecipe = x:y\noption-with.dots = ${a:b} $${c:d}\n",
        "[t]\nz += q\nw -= r\nv+=s\n=> p q\n",
        "[s]\nkey=value=with=equals\nempty =\nspaced   =   padded   \n[s]\nmore = merged\n",
        "[s]\ncmd =\n  #!/bin/sh\n  echo \"$1\"\n    indented\n",
    };

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Parses_like_zc_buildout(string profile)
    {
        var ours = BuildoutConfigParser.Parse(profile, "test.cfg");

        var theirs = await ParseWithZcBuildoutAsync(profile);

        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var (section, options) in theirs)
        {
            Assert.Equal(options.OrderBy(p => p.Key, StringComparer.Ordinal), ours[section].OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }

    private static async Task<Dictionary<string, Dictionary<string, string>>> ParseWithZcBuildoutAsync(string profile)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import io, json, sys; import zc.buildout.configparser as c; print(json.dumps(c.parse(io.StringIO(sys.stdin.read()), 'test.cfg')))");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(profile);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "zc.buildout's parser failed (is python3-zc.buildout installed?): " + error);
        return JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(output)!;
    }
}
