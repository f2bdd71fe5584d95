using System.Text;

namespace SlapOS.Wire;

/// <summary>
/// Reads and writes the xml_marshaller format of the legacy SlapOS XML API (see docs/wire.md).
/// <para>
/// Values: <see langword="null"/> (<c>none</c>), <see cref="string"/>, <see cref="bool"/>,
/// <see cref="long"/> or <see cref="System.Numerics.BigInteger"/> (<c>int</c>/<c>long</c>),
/// <see cref="double"/> (<c>float</c>), <see cref="System.Numerics.Complex"/>, lists
/// (<see cref="List{T}"/> of <see cref="object"/>), <see cref="MarshalTuple"/>, <see cref="MarshalSet"/>,
/// dictionaries (<see cref="Dictionary{TKey,TValue}"/> of <see cref="object"/>) and <see cref="MarshalObject"/>.
/// </para>
/// <para>
/// Reading is safe for hostile input: no DTD, no entity, no resolver, bounded depth, size and
/// element count, only the SlapOS classes; every failure is a <see cref="SlapMarshalException"/>.
/// Writing is byte-identical to the Python marshaller for the shapes SlapOS exchanges.
/// </para>
/// </summary>
public static class SlapMarshal
{
    /// <summary>Decodes a marshal document held in a string.</summary>
    /// <exception cref="SlapMarshalException">The document is malformed, hostile or too large.</exception>
    public static object? Read(string document, SlapMarshalLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        limits ??= SlapMarshalLimits.Default;
        if (document.Length > limits.MaxDocumentSize)
        {
            throw new SlapMarshalException(FormattableString.Invariant($"document is {document.Length} characters long; the limit is {limits.MaxDocumentSize}"));
        }

        using var reader = new StringReader(document);
        return MarshalReader.Read(reader, limits);
    }

    /// <summary>Decodes a marshal document from a stream (read up to the size limit, never further).</summary>
    /// <exception cref="SlapMarshalException">The document is malformed, hostile or too large.</exception>
    public static object? Read(Stream document, SlapMarshalLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        limits ??= SlapMarshalLimits.Default;
        using var bounded = new BoundedReadStream(document, limits.MaxDocumentSize, limit => new SlapMarshalException(FormattableString.Invariant($"document is larger than {limit} bytes")));
        using var reader = new StreamReader(bounded, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024, leaveOpen: true);
        return MarshalReader.Read(reader, limits);
    }

    /// <summary>
    /// Reads a marshal document from a stream asynchronously (an HTTP body: no synchronous I/O), buffering
    /// at most the size limit, then decodes it. An oversized body is refused as soon as it passes the limit.
    /// </summary>
    /// <exception cref="SlapMarshalException">The document is malformed, hostile or too large.</exception>
    public static async Task<object?> ReadAsync(Stream document, SlapMarshalLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        limits ??= SlapMarshalLimits.Default;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await document.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limits.MaxDocumentSize)
            {
                throw new SlapMarshalException(FormattableString.Invariant($"document is larger than {limits.MaxDocumentSize} bytes"));
            }

            buffer.Write(chunk, 0, n);
        }

        buffer.Position = 0;
        return Read(buffer, limits);
    }

    /// <summary>Encodes a value as the Python marshaller does (ids in document order, sorted keys, pure ASCII).</summary>
    /// <exception cref="SlapMarshalException">The value holds a type or character the format cannot carry.</exception>
    public static string Write(object? value) => MarshalWriter.Write(value);
}
