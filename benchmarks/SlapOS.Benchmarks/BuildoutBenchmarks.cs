using System.Text;
using BenchmarkDotNet.Attributes;
using SlapOS.Providers.Buildout;

namespace SlapOS.Benchmarks;

/// <summary>
/// The native buildout engine's configuration parser and substitution (every option of every part resolved,
/// as an install does before running recipes) on the hello-web instance profile and on a synthetic profile
/// of 200 parts with references between them, macros and <c>+=</c>.
/// </summary>
[MemoryDiagnoser]
public class BuildoutBenchmarks
{
    private static readonly IBuildoutRecipe Recipe = new NoOpRecipe();
    private string _text = null!;

    [Params("hello-web", "synthetic-200-parts")]
    public string Profile { get; set; } = "hello-web";

    [GlobalSetup]
    public void Setup()
    {
        _text = Profile == "hello-web"
            ? File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "profiles", "hello-web-instance.cfg")) + SlapTail
            : Synthetic(200);
    }

    [Benchmark(Description = "parse")]
    public int Parse() => BuildoutConfigParser.Parse(_text, "instance.cfg").Count;

    [Benchmark(Description = "parse + substitute all parts")]
    public int ParseAndSubstitute()
    {
        var profile = new BuildoutProfile(BuildoutConfigParser.Parse(_text, "instance.cfg"), _ => Recipe, null);
        var options = 0;
        foreach (var part in profile.InitializeParts())
        {
            options += profile.GetOptions(part).Count;
        }

        return options;
    }

    // What the node appends (the [slap-connection] tail) and what slapconfiguration would have filled in.
    private const string SlapTail = """

        [buildout]
        directory = /srv/slapgrid/slappart0

        [slap-configuration]
        ipv4-random = 127.0.0.1
        configuration.port = 8080

        [slap-connection]
        computer-id = COMP-0001
        partition-id = slappart0
        server-url = http://127.0.0.1:5000/
        software-release-url = /opt/hello-web/software.cfg
        """;

    private static string Synthetic(int parts)
    {
        var text = new StringBuilder();
        text.AppendLine("[buildout]").AppendLine("directory = /srv/slapgrid/slappart0").Append("parts =");
        for (var i = 0; i < parts; i++)
        {
            text.Append("\n  part-").Append(i);
        }

        text.AppendLine().AppendLine().AppendLine("""
            [directory]
            etc = ${buildout:directory}/etc
            bin = ${buildout:directory}/bin
            var = ${buildout:directory}/var
            service = ${:etc}/service

            [base]
            recipe = wrapper
            environment =
              LANG=C.UTF-8
              HOME=${buildout:directory}
            """);
        for (var i = 0; i < parts; i++)
        {
            text.Append("[part-").Append(i).AppendLine("]")
                .AppendLine("<= base")
                .Append("name = service-").AppendLine(i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .AppendLine("log = ${directory:var}/log/${:name}.log")
                .AppendLine("command-line = ${directory:bin}/server --log ${:log} --port 80${:name}")
                .AppendLine("wrapper-path = ${directory:service}/${:name}")
                .AppendLine("environment += PART=${:name}");
            if (i > 0)
            {
                text.Append("after = ${part-").Append(i - 1).AppendLine(":wrapper-path}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private sealed class NoOpRecipe : IBuildoutRecipe
    {
        public Task<IReadOnlyList<string>> InstallAsync(BuildoutPartContext part, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);
    }
}
