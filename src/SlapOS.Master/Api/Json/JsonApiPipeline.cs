using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Limits;
using Microsoft.Net.Http.Headers;

namespace SlapOS.Master.Api.Json;

/// <summary>
/// What every JSON API call goes through before and after its handler: content negotiation (406),
/// a bounded body (413), JSON parsing (400), schema validation (400), and the mapping of SlapOS
/// errors to their JSON answers — never a 500 for a client mistake.
/// </summary>
internal static class JsonApiPipeline
{
    private const string NotUnderstood = "The browser (or proxy) sent a request that this server could not understand.";
    private const string NotAcceptable = "The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request.";

    public static RequestDelegate Create(string path, JsonApiHandler handler)
    {
        var schema = JsonApiSchemas.ByPath[path];
        return async context =>
        {
            if (!AcceptsJson(context.Request))
            {
                await JsonApiResponses.WriteErrorAsync(context, StatusCodes.Status406NotAcceptable, NotAcceptable);
                return;
            }

            if (context.Request.ContentType is { } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                // As SlapOS (Flask's request.json): a body declared as something else is not read as JSON.
                await JsonApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, NotUnderstood);
                return;
            }

            JsonDocument document;
            try
            {
                RequestBodyLimit.Apply(context, RequestBodyKind.Json);
                document = await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, context.RequestAborted);
            }
            catch (Exception e) when (RequestBodyLimit.TooLarge(context, e) is { } tooLarge)
            {
                await JsonApiResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, tooLarge.Message);
                return;
            }
            catch (Exception e) when (e is JsonException or BadHttpRequestException)
            {
                await JsonApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, NotUnderstood);
                return;
            }

            using (document)
            {
                if (!HasOnlyValidText(document.RootElement))
                {
                    // An escaped lone surrogate ("\ud800") parses, but no string can be read from it.
                    await JsonApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, NotUnderstood);
                    return;
                }

                if (JsonSchemaValidator.Validate(document.RootElement, schema) is { } error)
                {
                    await JsonApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
                    return;
                }

                object result;
                try
                {
                    result = await handler(context, document.RootElement, context.RequestAborted);
                }
                catch (SlapException e)
                {
                    await JsonApiResponses.WriteErrorAsync(context, JsonApiResponses.StatusOf(e.Kind), e.Message, e.Kind);
                    return;
                }
                catch (JsonApiStatusException e)
                {
                    await JsonApiResponses.WriteErrorAsync(context, e.Status, e.Message, e.Kind);
                    return;
                }

                if (result is JsonApiNotModified)
                {
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    return;
                }

                await JsonApiResponses.WriteAsync(context, result);
            }
        };
    }

    /// <summary>
    /// Whether every string and property name in <paramref name="element"/> can be read as text (found by
    /// <c>JsonApiFuzzTests</c>: a lone surrogate escape made the schema check or a handler throw, a 500).
    /// </summary>
    private static bool HasOnlyValidText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(HasOnlyValidText);
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(p => p.Name is not null && HasOnlyValidText(p.Value));
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool AcceptsJson(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return true;
        }

        var json = new MediaTypeHeaderValue("application/json");
        return accept.Any(a => json.IsSubsetOf(a) && a.Quality is not 0);
    }
}
