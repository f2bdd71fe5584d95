namespace SlapOS.Cli.SlapConsole;

/// <summary>Where <c>slapos console</c> reads its command lines: a terminal line editor, a script file, or a test.</summary>
internal interface ILineReader
{
    /// <summary>The next line, or <see langword="null"/> at the end of the input.</summary>
    Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken);
}
