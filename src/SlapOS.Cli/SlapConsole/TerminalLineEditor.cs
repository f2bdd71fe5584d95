using System.Text;

namespace SlapOS.Cli.SlapConsole;

/// <summary>
/// A small line editor for an interactive terminal: left/right, home/end, backspace/delete, up/down through the
/// history (kept in a file between sessions), Tab to complete from the command tree (one match is inserted, several
/// are listed), Ctrl+D on an empty line to end.
/// </summary>
internal sealed class TerminalLineEditor(Func<string, IReadOnlyList<string>> complete, string? historyFile) : ILineReader
{
    private const int HistoryLimit = 500;
    private readonly List<string> history = LoadHistory(historyFile);

    public Task<string?> ReadLineAsync(string prompt, CancellationToken cancellationToken)
    {
        System.Console.Write(prompt);
        var line = new StringBuilder();
        var cursor = 0;
        var recalled = history.Count;
        while (!cancellationToken.IsCancellationRequested)
        {
            var key = System.Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    System.Console.WriteLine();
                    Remember(line.ToString());
                    return Task.FromResult<string?>(line.ToString());
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && line.Length == 0:
                    System.Console.WriteLine();
                    return Task.FromResult<string?>(null);
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = line.Length;
                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    line.Clear().Append(history[--recalled]);
                    cursor = line.Length;
                    break;
                case ConsoleKey.DownArrow when recalled < history.Count:
                    recalled++;
                    line.Clear().Append(recalled < history.Count ? history[recalled] : string.Empty);
                    cursor = line.Length;
                    break;
                case ConsoleKey.Tab:
                    cursor = Complete(prompt, line, cursor);
                    break;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        line.Insert(cursor++, key.KeyChar);
                    }

                    break;
            }

            Redraw(prompt, line, cursor);
        }

        return Task.FromResult<string?>(null);
    }

    /// <summary>Completes the word before the cursor: inserts the only candidate, else lists them under the line.</summary>
    private int Complete(string prompt, StringBuilder line, int cursor)
    {
        var before = line.ToString(0, cursor);
        var candidates = complete(before);
        var word = before[(before.LastIndexOf(' ') + 1)..];
        var matching = candidates.Where(c => c.StartsWith(word, StringComparison.Ordinal)).ToList();
        if (matching.Count == 1)
        {
            var insert = matching[0][word.Length..] + " ";
            line.Insert(cursor, insert);
            return cursor + insert.Length;
        }

        if (matching.Count > 1)
        {
            System.Console.WriteLine();
            System.Console.WriteLine(string.Join("  ", matching));
            System.Console.Write(prompt);
        }

        return cursor;
    }

    private static void Redraw(string prompt, StringBuilder line, int cursor)
    {
        System.Console.Write("\r" + prompt + line + "\u001b[K");
        System.Console.Write("\r" + prompt + line.ToString(0, cursor));
    }

    private void Remember(string line)
    {
        if (line.Trim().Length == 0 || (history.Count > 0 && history[^1] == line))
        {
            return;
        }

        history.Add(line);
        if (history.Count > HistoryLimit)
        {
            history.RemoveAt(0);
        }

        if (historyFile is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(historyFile)!);
            File.WriteAllLines(historyFile, history);
        }
        catch (IOException)
        {
            // History is a convenience: a read-only home keeps it for this session only.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private static List<string> LoadHistory(string? file)
    {
        try
        {
            return file is not null && File.Exists(file) ? [.. File.ReadLines(file).TakeLast(HistoryLimit)] : [];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
