using System.Text.Json;

namespace SlapOS;

/// <summary>
/// The shadir entry slapgrid writes for a built software release, under the key <c>md5(url)</c>
/// (the release's install directory name): <c>sha512</c>, <c>software_url</c>, <c>software_root</c>,
/// <c>multiarch</c> (<c>gcc -dumpmachine</c>) and <c>os</c> (distribution name, version, codename).
/// </summary>
/// <param name="Sha512">The archive's SHA-512 in shacache.</param>
/// <param name="SoftwareUrl">The release URL.</param>
/// <param name="SoftwareRoot">The software root it was built in (its paths are baked into the build).</param>
/// <param name="Multiarch">The machine triplet, e.g. <c>x86_64-linux-gnu</c>.</param>
/// <param name="Os">The distribution: name, version, codename.</param>
public sealed record NetworkcacheSoftwareEntry(string Sha512, string SoftwareUrl, string SoftwareRoot, string Multiarch, IReadOnlyList<string> Os)
{
    // Python's json writes \" and leaves '+' alone; the default encoder would write \u0022 and \u002B. Both parse alike,
    // but the relaxed form keeps what we serve byte-comparable with what slapgrid writes (this is JSON, never HTML).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The entry JSON, fields in slapgrid's order, the string that gets signed.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("sha512", Sha512);
            writer.WriteString("software_url", SoftwareUrl);
            writer.WriteString("software_root", SoftwareRoot);
            writer.WriteString("multiarch", Multiarch);
            writer.WriteStartArray("os");
            foreach (var part in Os)
            {
                writer.WriteStringValue(part);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Reads an entry as slapgrid does: <c>multiarch</c> and <c>os</c> are required, except that an old
    /// entry with <c>machine = x86_64</c> and no <c>multiarch</c> means <c>x86_64-linux-gnu</c>.
    /// </summary>
    /// <exception cref="FormatException">The entry is not a software entry.</exception>
    public static NetworkcacheSoftwareEntry Parse(ShadirEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var sha512 = entry.ReadSha512();
        var fields = entry.ReadFields();
        var multiarch = String(fields, "multiarch");
        if (multiarch is null && String(fields, "machine") == "x86_64")
        {
            multiarch = "x86_64-linux-gnu";
        }

        if (multiarch is null || !fields.TryGetProperty("os", out var os) || os.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("A software entry must have \"multiarch\" and an \"os\" list.");
        }

        return new NetworkcacheSoftwareEntry(
            sha512,
            String(fields, "software_url") ?? string.Empty,
            String(fields, "software_root") ?? string.Empty,
            multiarch,
            [.. os.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : p.ToString())]);
    }

    private static string? String(JsonElement fields, string name) =>
        fields.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
