namespace SlapOS.Slave.Locking;

/// <summary>
/// The node lock: an exclusive handle on <c>&lt;instance_root&gt;/.slapgrid.lock</c> (FileShare.None,
/// an advisory <c>flock</c> on Unix), so two node runs never overlap, in one process or across processes.
/// The file is kept on release: deleting it would let a third run lock a different inode.
/// </summary>
internal sealed class NodeLock : IDisposable
{
    private readonly FileStream _stream;

    private NodeLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, or returns <see langword="null"/> at once when another run holds it.</summary>
    public static NodeLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            return null;
        }

        // Who holds it, for an operator looking at the file.
        stream.SetLength(0);
        var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        stream.Write(pid);
        stream.Flush();
        return new NodeLock(stream);
    }

    public void Dispose() => _stream.Dispose();
}
