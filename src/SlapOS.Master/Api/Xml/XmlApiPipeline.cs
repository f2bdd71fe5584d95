using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Limits;
using SlapOS.Wire;

namespace SlapOS.Master.Api.Xml;

/// <summary>
/// What every XML API call goes through: bounded form reading, the handler, and SlapOS errors mapped
/// to the statuses the slap client understands (404 NotFoundError, 408 ResourceNotReady) with a
/// Werkzeug-style page — a malformed or hostile marshal document is a 400, never a 500.
/// </summary>
internal static class XmlApiPipeline
{
    public static RequestDelegate Create(XmlApiHandler handler) => async context =>
    {
        string body;
        try
        {
            var request = await XmlApiRequest.ReadAsync(context);
            body = await handler(context, request, context.RequestAborted);
        }
        catch (SlapException e)
        {
            await XmlApiResponses.WriteErrorAsync(context, XmlApiResponses.StatusOf(e.Kind), e.Message);
            return;
        }
        catch (Exception e) when (RequestBodyLimit.TooLarge(context, e) is { } tooLarge && !context.Response.HasStarted)
        {
            await XmlApiResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, tooLarge.Message);
            return;
        }

        await XmlApiResponses.WriteAsync(context, body);
    };

    /// <summary>Reads a marshalled form field; a bad document is a validation error naming the field.</summary>
    public static object? ReadMarshal(XmlApiRequest request, string field)
    {
        var text = request.Optional(field);
        if (text is null)
        {
            return null;
        }

        try
        {
            return SlapMarshal.Read(text);
        }
        catch (SlapMarshalException e)
        {
            throw new SlapValidationException(field, e.Message);
        }
    }

    /// <summary>
    /// Reads a marshalled parameter dictionary; a missing field is an empty one (slapproxy answers 500
    /// there), and anything but a dictionary is a validation error naming the field.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadParameters(XmlApiRequest request, string field)
    {
        var value = ReadMarshal(request, field);
        if (value is null)
        {
            return new Dictionary<string, string>();
        }

        try
        {
            return SlapWireObjects.FlattenParameters(value, field);
        }
        catch (SlapMarshalException e)
        {
            throw new SlapValidationException(field, e.Message);
        }
    }
}
