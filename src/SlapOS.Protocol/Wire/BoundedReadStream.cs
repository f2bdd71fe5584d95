namespace SlapOS.Wire;

/// <summary>
/// Reads through to another stream and fails, with the caller's exception, as soon as more than a limit came
/// out of it: the one size cap on input, whatever its framing (marshalled documents, a master's request bodies,
/// a node's answers from its master, decompressed or chunked).
/// </summary>
public sealed class BoundedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly long _limit;
    private readonly Func<long, Exception> _tooLarge;
    private readonly bool _leaveOpen;
    private long _read;

    /// <summary>Reads <paramref name="inner"/> up to <paramref name="limit"/> bytes; past it, throws <paramref name="tooLarge"/>(limit).</summary>
    /// <param name="inner">The stream read through.</param>
    /// <param name="limit">The most bytes that may come out.</param>
    /// <param name="tooLarge">The error for a stream that gives more, from the limit.</param>
    /// <param name="leaveOpen">Whether <paramref name="inner"/> stays open when this stream is disposed.</param>
    public BoundedReadStream(Stream inner, long limit, Func<long, Exception> tooLarge, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(tooLarge);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _inner = inner;
        _limit = limit;
        _tooLarge = tooLarge;
        _leaveOpen = leaveOpen;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => Count(_inner.Read(buffer[..Allowed(buffer.Length)]));

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await _inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false));

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_leaveOpen)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // Ask for one byte past the limit at most, so an oversized input is noticed without reading it all.
    private int Allowed(int length) => (int)Math.Min(length, _limit - _read + 1);

    private int Count(int n)
    {
        _read += n;
        return _read > _limit ? throw _tooLarge(_limit) : n;
    }
}
