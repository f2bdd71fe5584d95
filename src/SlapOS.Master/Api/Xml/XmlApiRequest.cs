using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using SlapOS.Master.Api.Limits;

namespace SlapOS.Master.Api.Xml;

/// <summary>The fields of one XML API call: the query string for GETs, the form for POSTs.</summary>
internal sealed class XmlApiRequest(IReadOnlyDictionary<string, StringValues> fields)
{
    public static async Task<XmlApiRequest> ReadAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return new XmlApiRequest(context.Request.Query.ToDictionary(q => q.Key, q => q.Value));
        }

        var limit = RequestBodyLimit.Apply(context, RequestBodyKind.XmlForm);
        if (!context.Request.HasFormContentType)
        {
            // The slap library always posts forms; anything else carries no field.
            return new XmlApiRequest(context.Request.Query.ToDictionary(q => q.Key, q => q.Value));
        }

        try
        {
            var form = await context.Request.ReadFormAsync(new FormOptions { ValueLengthLimit = (int)Math.Min(int.MaxValue, limit), KeyLengthLimit = 256, ValueCountLimit = 256 }, context.RequestAborted);
            var fields = context.Request.Query.ToDictionary(q => q.Key, q => q.Value);
            foreach (var (key, value) in form)
            {
                fields[key] = value;
            }

            return new XmlApiRequest(fields);
        }
        catch (Exception e) when (RequestBodyLimit.TooLarge(context, e) is { } tooLarge && !ReferenceEquals(tooLarge, e))
        {
            throw tooLarge;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            throw new SlapValidationException("body", $"is not a readable form: {e.Message}");
        }
    }

    /// <summary>The same fields with one more (or replaced).</summary>
    public XmlApiRequest With(string name, string value)
    {
        var copy = fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        copy[name] = value;
        return new XmlApiRequest(copy);
    }

    /// <summary>A required field; a missing or empty one is a 400 naming it.</summary>
    public string Required(string name) =>
        Optional(name) ?? throw new SlapValidationException(name, "is required");

    /// <summary>An optional field; the string <c>None</c> (how the slap library sends Python's None) counts as missing.</summary>
    public string? Optional(string name) =>
        fields.TryGetValue(name, out var value) && value.Count > 0 && !string.IsNullOrEmpty(value[0]) && value[0] != "None"
            ? value[0]
            : null;
}
