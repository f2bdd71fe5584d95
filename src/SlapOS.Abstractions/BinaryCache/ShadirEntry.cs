using System.Text;
using System.Text.Json;

namespace SlapOS;

/// <summary>
/// One shadir record: the entry JSON exactly as the uploader wrote it and its signature (base64, may be
/// empty). On the wire a PUT carries <c>[entry, signature]</c> and a GET answers a list of such pairs.
/// The signature covers the entry's exact UTF-8 bytes, which is why the entry stays a string.
/// </summary>
/// <param name="Entry">The entry JSON (a JSON object serialized as a string).</param>
/// <param name="Signature">The base64 RSA signature of <paramref name="Entry"/>, or empty.</param>
public sealed record ShadirEntry(string Entry, string Signature)
{
    // Python's json writes \" and leaves '+' alone; the default encoder would write \u0022 and \u002B. Both parse alike,
    // but the relaxed form keeps what we serve byte-comparable with what slapgrid writes (this is JSON, never HTML).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads a PUT body: a JSON array of exactly two strings.</summary>
    /// <exception cref="FormatException">The body is not <c>[entry, signature]</c>.</exception>
    public static ShadirEntry Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            return FromElement(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException("A shadir entry must be the JSON array [entry, signature]: " + ex.Message, ex);
        }
    }

    /// <summary>Reads a GET answer: a JSON array of <c>[entry, signature]</c> pairs.</summary>
    /// <exception cref="FormatException">The answer is not a list of pairs.</exception>
    public static IReadOnlyList<ShadirEntry> ParseList(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("A shadir answer must be a JSON array of [entry, signature] pairs.");
            }

            return [.. document.RootElement.EnumerateArray().Select(FromElement)];
        }
        catch (JsonException ex)
        {
            throw new FormatException("A shadir answer must be a JSON array of [entry, signature] pairs: " + ex.Message, ex);
        }
    }

    /// <summary>Writes a list of pairs, the shape of a GET answer.</summary>
    public static byte[] FormatList(IEnumerable<ShadirEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var entry in entries)
            {
                entry.Write(writer);
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    /// <summary>This pair as a PUT body: <c>[entry, signature]</c>.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>The entry's fields, or <see cref="FormatException"/> when the entry is not a JSON object.</summary>
    public JsonElement ReadFields()
    {
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(Entry));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A shadir entry must be a JSON object.");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new FormatException("A shadir entry must be a JSON object: " + ex.Message, ex);
        }
    }

    /// <summary>The <c>sha512</c> field every entry names its content by (libnetworkcache skips entries without it).</summary>
    /// <exception cref="FormatException">The entry has no valid <c>sha512</c>.</exception>
    public string ReadSha512()
    {
        var fields = ReadFields();
        if (!fields.TryGetProperty("sha512", out var sha512) || sha512.ValueKind != JsonValueKind.String || !ShacacheDigest.IsValid(sha512.GetString()))
        {
            throw new FormatException("A shadir entry must name its content with \"sha512\" (128 lower-case hex characters).");
        }

        return sha512.GetString()!;
    }

    private static ShadirEntry FromElement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != 2
            || element[0].ValueKind != JsonValueKind.String || element[1].ValueKind != JsonValueKind.String)
        {
            throw new FormatException("A shadir entry must be the JSON array [entry, signature] of two strings.");
        }

        return new ShadirEntry(element[0].GetString()!, element[1].GetString()!);
    }

    private void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(Entry);
        writer.WriteStringValue(Signature);
        writer.WriteEndArray();
    }
}
