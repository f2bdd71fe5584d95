using System.Text;
using System.Text.Json;

namespace SlapOS.Tests.Wire;

/// <summary>
/// The captured SlapOS exchanges (slapproxy 1.24), vendored in tests/fixtures/slap-wire.
/// Bodies come from exchanges.jsonl (base64, byte-exact); decoded copies from the capture text files.
/// </summary>
internal static class WireCaptures
{
    private static readonly Lazy<string> LazyDirectory = new(FindDirectory);
    private static readonly Lazy<IReadOnlyList<WireExchange>> LazyExchanges = new(Load);

    public static string Directory => LazyDirectory.Value;

    public static IReadOnlyList<WireExchange> All => LazyExchanges.Value;

    public static WireExchange BySeq(int seq) => All.Single(e => e.Seq == seq);

    // Vendored in the repository (tests/fixtures/slap-wire, see its README.md): a clone alone has them.
    private static string FindDirectory()
    {
        var directory = RepositoryRoot.Combine("tests", "fixtures", "slap-wire");
        return File.Exists(System.IO.Path.Combine(directory, "exchanges.jsonl"))
            ? directory
            : throw new InvalidOperationException($"the wire captures ({directory}/exchanges.jsonl) are missing from the checkout");
    }

    private static List<WireExchange> Load()
    {
        var list = new List<WireExchange>();
        foreach (var line in File.ReadLines(Path.Combine(Directory, "exchanges.jsonl")))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var request = root.GetProperty("request");
            var response = root.GetProperty("response");
            list.Add(new WireExchange(
                root.GetProperty("seq").GetInt32(),
                root.GetProperty("file").GetString()!,
                root.GetProperty("label").GetString()!,
                request.GetProperty("method").GetString()!,
                request.GetProperty("target").GetString()!,
                Headers(request),
                Body(request),
                response.GetProperty("status").GetInt32(),
                Headers(response),
                Body(response)));
        }

        return list;
    }

    private static List<KeyValuePair<string, string>> Headers(JsonElement message) =>
        message.GetProperty("headers").EnumerateArray()
            .Select(h => new KeyValuePair<string, string>(h[0].GetString()!, h[1].GetString()!))
            .ToList();

    private static string Body(JsonElement message) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(message.GetProperty("body_b64").GetString()!));

    /// <summary>Decodes an application/x-www-form-urlencoded string (or query), in wire order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseForm(string form)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (form.Length == 0)
        {
            return fields;
        }

        foreach (var pair in form.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            fields.Add(new(Unescape(key), Unescape(value)));
        }

        return fields;
    }

    private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    /// <summary>
    /// The "as decoded value" JSON copies of a capture file, keyed by "response" or the form field name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DecodedCopies(WireExchange exchange)
    {
        var lines = File.ReadAllLines(Path.Combine(Directory, exchange.File));
        var copies = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!line.StartsWith("--- decoded copy: ", StringComparison.Ordinal) || !line.Contains(" as decoded value ", StringComparison.Ordinal))
            {
                continue;
            }

            var what = line["--- decoded copy: ".Length..line.IndexOf(" as decoded value ", StringComparison.Ordinal)];
            var key = what == "response" ? "response" : what[(what.IndexOf('[', StringComparison.Ordinal) + 1)..what.IndexOf(']', StringComparison.Ordinal)];
            var body = new StringBuilder();
            for (i++; i < lines.Length && !lines[i].StartsWith("--- ", StringComparison.Ordinal) && !lines[i].StartsWith("=== ", StringComparison.Ordinal); i++)
            {
                body.Append(lines[i]).Append('\n');
            }

            i--;
            copies[key] = body.ToString();
        }

        return copies;
    }
}

/// <summary>One captured HTTP exchange.</summary>
internal sealed record WireExchange(
    int Seq,
    string File,
    string Label,
    string Method,
    string Target,
    IReadOnlyList<KeyValuePair<string, string>> RequestHeaders,
    string RequestBody,
    int Status,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    string ResponseBody)
{
    public string Path => Target.Split('?')[0];

    public string Query => Target.Contains('?', StringComparison.Ordinal) ? Target[(Target.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;

    public IReadOnlyList<KeyValuePair<string, string>> FormFields =>
        RequestHeaders.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("form-urlencoded", StringComparison.Ordinal))
            ? WireCaptures.ParseForm(RequestBody)
            : [];

    public IReadOnlyList<KeyValuePair<string, string>> QueryFields => WireCaptures.ParseForm(Query);

    public string Form(string name) => FormFields.Single(f => f.Key == name).Value;

    public override string ToString() => File;
}
