using System.CommandLine;
using System.Text.Json.Nodes;

namespace SlapOS.Cli.Commands;

/// <summary>
/// <c>slapos completion bash|zsh|pwsh</c>: prints a shell script that completes <c>slapos</c> command lines. The scripts
/// ask the tool itself through System.CommandLine's <c>[suggest:N]</c> directive (the one <c>dotnet-suggest</c> uses),
/// with the command line after the program name, so completions always match the installed tool's commands.
/// </summary>
internal static class CompletionCommand
{
    private static readonly Dictionary<string, string> Scripts = new(StringComparer.Ordinal)
    {
        ["bash"] = """
            # slapos completion for bash: add to ~/.bashrc:  source <(slapos completion bash)
            _slapos_complete() {
                local line="${COMP_LINE:0:COMP_POINT}"
                line="${line#*[[:space:]]}"
                [[ "$line" == "${COMP_LINE:0:COMP_POINT}" ]] && line=""
                local IFS=$'\n'
                COMPREPLY=($(compgen -W "$(slapos "[suggest:${#line}]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
            }
            complete -o default -F _slapos_complete slapos
            """,
        ["zsh"] = """
            # slapos completion for zsh: add to ~/.zshrc:  source <(slapos completion zsh)
            _slapos_complete() {
                local line="${(j: :)words[2,CURRENT]}"
                local -a candidates
                candidates=("${(@f)$(slapos "[suggest:${#line}]" "$line" 2>/dev/null)}")
                compadd -a candidates
            }
            compdef _slapos_complete slapos
            """,
        ["pwsh"] = """
            # slapos completion for PowerShell: add to $PROFILE:  slapos completion pwsh | Out-String | Invoke-Expression
            Register-ArgumentCompleter -Native -CommandName slapos -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                $line = $commandAst.ToString()
                $length = [Math]::Min($line.Length, $cursorPosition - $commandAst.Extent.StartOffset)
                $line = $line.Substring(0, $length)
                $program = $commandAst.CommandElements[0].Extent.Text
                $rest = $line.Substring([Math]::Min($line.Length, $program.Length)).TrimStart()
                if ($line.EndsWith(' ') -and $rest -ne '') { $rest += ' ' }
                slapos "[suggest:$($rest.Length)]" "$rest" 2>$null | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }
            """,
    };

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or pwsh" };
        shell.AcceptOnlyFromAmong([.. Scripts.Keys]);
        var command = new Command("completion", "Print the shell completion script for bash, zsh or pwsh (e.g. source <(slapos completion bash))") { shell };
        command.SetAction(parseResult =>
        {
            var name = parseResult.GetValue(shell)!;
            var script = Scripts[name];
            return Output.Write(parseResult, new JsonObject { ["shell"] = name, ["script"] = script }, output => output.WriteLine(script));
        });
        return command;
    }

    /// <summary>The completions of a partial command line (without the program name) at its end, as the <c>[suggest]</c> directive gives them.</summary>
    public static IReadOnlyList<string> Complete(Command root, string line) =>
        [.. root.Parse(line).GetCompletions(line.Length).Select(c => c.InsertText ?? c.Label).Distinct(StringComparer.Ordinal)];
}
