namespace SlapOS.Cli.SlapConsole;

/// <summary>Lines of a script file or of redirected standard input: no prompt, no editing.</summary>
internal sealed class TextLineReader(TextReader reader) : ILineReader
{
    public async Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken) => await reader.ReadLineAsync(cancellationToken);
}
