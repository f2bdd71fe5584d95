using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SlapOS.Master.Api.Json;

/// <summary>Handles one JSON API endpoint: a validated body in, a document out.</summary>
internal delegate Task<object> JsonApiHandler(HttpContext context, JsonElement body, CancellationToken cancellationToken);
