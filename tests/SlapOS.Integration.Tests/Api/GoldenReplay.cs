using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using SlapOS.Tests.Wire;
using SlapOS.Wire;

namespace SlapOS.Integration.Tests.Api;

/// <summary>What we deliberately answer differently from slapproxy for one captured exchange, and why.</summary>
/// <param name="Status">Our status, when it differs.</param>
/// <param name="Body">Our plain-text body, when it differs (a regular expression).</param>
/// <param name="IgnoredPaths">Paths of the decoded body whose difference is deliberate (regular expressions).</param>
/// <param name="Why">The reason.</param>
internal sealed record Deviation(int? Status, string? Body, string[] IgnoredPaths, string Why);

/// <summary>
/// Replays captured exchanges, in order, against our master (same method, target, headers that matter and
/// body) and compares each answer with the capture: same status, and a body that decodes to the same
/// structure (values ignored only where they are not deterministic, or where a deviation says so).
/// </summary>
internal sealed class GoldenReplay(LoopbackMaster master, IReadOnlySet<string> ignoredValueKeys, IReadOnlySet<string>? allowedExtraKeys = null)
{
    private readonly List<(string Captured, string Ours)> _substitutions = [];

    public List<string> Failures { get; } = [];

    /// <summary>Replaces, in later requests, a value slapproxy gave with the one our master gave.</summary>
    public void Substitute(string captured, string ours)
    {
        if (captured == ours)
        {
            return;
        }

        // The latest answer wins: slapproxy reuses <computer>-<partition> guids once a partition is freed.
        var index = _substitutions.FindIndex(s => s.Captured == captured);
        if (index >= 0)
        {
            _substitutions[index] = (captured, ours);
        }
        else
        {
            _substitutions.Add((captured, ours));
        }
    }

    /// <summary>Another captured name of an instance already followed (slapproxy's guid changes on rename).</summary>
    public void Alias(string captured, string alreadyFollowed) =>
        Substitute(captured, _substitutions.Single(s => s.Captured == alreadyFollowed).Ours);

    public async Task<Answer> ReplayAsync(WireExchange exchange, Deviation? deviation)
    {
        using var request = new HttpRequestMessage(new HttpMethod(exchange.Method), Rewrite(exchange.Target, escaped: true));
        var contentType = exchange.RequestHeaders.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        var accept = exchange.RequestHeaders.FirstOrDefault(h => h.Key.Equals("Accept", StringComparison.OrdinalIgnoreCase)).Value;
        if (exchange.RequestBody.Length > 0 || contentType is not null)
        {
            var body = Rewrite(exchange.RequestBody, escaped: contentType?.Contains("form-urlencoded", StringComparison.Ordinal) == true);
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await master.Http.SendAsync(request);
        var answer = await Answer.ReadAsync(response);
        Check(exchange, answer, deviation);
        return answer;
    }

    private string Rewrite(string text, bool escaped)
    {
        foreach (var (captured, ours) in _substitutions)
        {
            text = escaped
                ? text.Replace(FormEscape(captured), FormEscape(ours), StringComparison.Ordinal)
                : text.Replace(captured, ours, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>The references our master built differently (instance and shared references): later requests use ours.</summary>
    private void Learn(object? captured, object? ours)
    {
        switch (captured)
        {
            case MarshalObject c when ours is MarshalObject o:
                Learn(c.State, o.State);
                break;
            case System.Collections.IDictionary c when ours is System.Collections.IDictionary o:
                foreach (System.Collections.DictionaryEntry entry in c)
                {
                    if (!o.Contains(entry.Key))
                    {
                        continue;
                    }

                    if (entry.Key is "_instance_guid" or "slave_reference" && entry.Value is string from && o[entry.Key] is string to)
                    {
                        Substitute(from, to);
                    }
                    else
                    {
                        Learn(entry.Value, o[entry.Key]);
                    }
                }

                break;
            case System.Collections.IList c when ours is System.Collections.IList o && c.Count == o.Count:
                for (var i = 0; i < c.Count; i++)
                {
                    Learn(c[i], o[i]);
                }

                break;
        }
    }

    private void LearnJson(System.Text.Json.JsonElement captured, System.Text.Json.JsonElement ours)
    {
        if (captured.ValueKind == System.Text.Json.JsonValueKind.Object && ours.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var property in captured.EnumerateObject())
            {
                if (!ours.TryGetProperty(property.Name, out var other))
                {
                    continue;
                }

                if (property.Name == "instance_guid" && property.Value.ValueKind == System.Text.Json.JsonValueKind.String && other.ValueKind == System.Text.Json.JsonValueKind.String)
                {
                    Substitute(property.Value.GetString()!, other.GetString()!);
                }
                else
                {
                    LearnJson(property.Value, other);
                }
            }
        }
        else if (captured.ValueKind == System.Text.Json.JsonValueKind.Array && ours.ValueKind == System.Text.Json.JsonValueKind.Array && captured.GetArrayLength() == ours.GetArrayLength())
        {
            foreach (var (c, o) in captured.EnumerateArray().Zip(ours.EnumerateArray()))
            {
                LearnJson(c, o);
            }
        }
    }

    private static string FormEscape(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    private void Check(WireExchange exchange, Answer answer, Deviation? deviation)
    {
        var status = deviation?.Status ?? exchange.Status;
        if ((int)answer.Status != status)
        {
            Failures.Add($"{exchange.File}: status {status} expected, got {answer}");
            return;
        }

        var expected = exchange.ResponseBody;
        if (deviation?.Body is { } pattern)
        {
            if (!Regex.IsMatch(answer.Body, pattern))
            {
                Failures.Add($"{exchange.File}: body matching '{pattern}' expected, got '{answer.Body}'");
            }

            return;
        }

        if (expected.StartsWith("<?xml", StringComparison.Ordinal) || expected.StartsWith("<marshal", StringComparison.Ordinal))
        {
            object? ours;
            try
            {
                ours = SlapMarshal.Read(answer.Body);
            }
            catch (SlapMarshalException e)
            {
                Failures.Add($"{exchange.File}: a marshal document expected, got '{answer.Body}' ({e.Message})");
                return;
            }

            var captured = SlapMarshal.Read(expected);
            Learn(captured, ours);
            var ignored = deviation?.IgnoredPaths ?? [];
            foreach (var difference in MarshalDiff.Compare(captured, ours, ignoredValueKeys))
            {
                if (!ignored.Any(p => Regex.IsMatch(difference, p)))
                {
                    Failures.Add($"{exchange.File}: {difference}");
                }
            }
        }
        else if (exchange.ResponseHeaders.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && h.Value.StartsWith("application/json", StringComparison.Ordinal)))
        {
            System.Text.Json.JsonElement ours;
            try
            {
                ours = answer.Json();
            }
            catch (System.Text.Json.JsonException e)
            {
                Failures.Add($"{exchange.File}: a JSON document expected, got '{answer.Body}' ({e.Message})");
                return;
            }

            var captured = System.Text.Json.JsonDocument.Parse(Rewrite(expected, escaped: false)).RootElement;
            LearnJson(captured, ours);
            var ignored = deviation?.IgnoredPaths ?? [];
            foreach (var difference in JsonDiff.Compare(captured, ours, ignoredValueKeys, allowedExtraKeys ?? new HashSet<string>()))
            {
                if (!ignored.Any(p => Regex.IsMatch(difference, p)))
                {
                    Failures.Add($"{exchange.File}: {difference}");
                }
            }
        }
        else if (expected.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase))
        {
            // Werkzeug pages: the reason is in <p>; only abort(404, msg) pages carry a useful one.
            if (status == 404 && Regex.Match(expected, "<p>(.*)</p>", RegexOptions.Singleline) is { Success: true } reason && !reason.Value.Contains("The requested URL was not found", StringComparison.Ordinal)
                && !Regex.IsMatch(answer.Body, "<p>.+</p>", RegexOptions.Singleline))
            {
                Failures.Add($"{exchange.File}: an HTML page with a <p> reason expected, got '{answer.Body}'");
            }
        }
        else if (!exchange.ResponseHeaders.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && h.Value.StartsWith("application/json", StringComparison.Ordinal))
            && Rewrite(expected, escaped: false) != answer.Body)
        {
            Failures.Add($"{exchange.File}: '{expected}' expected, got '{answer.Body}'");
        }
    }
}
