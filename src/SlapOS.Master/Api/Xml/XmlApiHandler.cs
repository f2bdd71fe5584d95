using Microsoft.AspNetCore.Http;

namespace SlapOS.Master.Api.Xml;

/// <summary>Handles one XML API call: fields in, a body (marshal document or plain word) out.</summary>
internal delegate Task<string> XmlApiHandler(HttpContext context, XmlApiRequest request, CancellationToken cancellationToken);
