using System.Text;

namespace SlapOS.Slave.Processes;

/// <summary>Keeps the last characters of a process's output (what is worth telling the master).</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public void AppendLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > capacity)
            {
                _text.Remove(0, _text.Length - capacity);
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString().TrimEnd();
        }
    }
}
