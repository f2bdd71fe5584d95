using System.Text.Json;
using SlapOS.Master.Api.Json;

namespace SlapOS.Master.Portal;

/// <summary>Reads the request form's parameters: a JSON object, or one <c>key=value</c> per line.</summary>
internal static class KeyValueLines
{
    /// <exception cref="SlapValidationException">A line without '=', an empty key, a repeated key, or JSON that is not an object.</exception>
    public static Dictionary<string, string> Parse(string? text, string field, bool allowJson)
    {
        var trimmed = (text ?? string.Empty).Trim();
        if (allowJson && trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed, new JsonDocumentOptions { MaxDepth = 64 });
                return JsonParameterValues.ToStrings(document.RootElement);
            }
            catch (JsonException e)
            {
                throw new SlapValidationException(field, "is not a valid JSON object: " + e.Message);
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in trimmed.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? line[..equals].Trim() : string.Empty;
            if (key.Length == 0)
            {
                throw new SlapValidationException(field, $"line {number} is not key=value");
            }

            if (!values.TryAdd(key, line[(equals + 1)..].Trim()))
            {
                throw new SlapValidationException(field, $"'{key}' is given twice");
            }
        }

        return values;
    }
}
