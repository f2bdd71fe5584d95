using System.Net;
using System.Text;

namespace SlapOS.Tests.Wire;

/// <summary>A fake master: answers each request with a captured (or given) response and records what was sent.</summary>
internal sealed class ReplayHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, (int Status, string Body, string ContentType)?> _answer;

    public ReplayHandler(Func<RecordedRequest, (int Status, string Body, string ContentType)?> answer)
    {
        _answer = answer;
    }

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>Answers every request whose path matches with the exchange's captured response.</summary>
    public static ReplayHandler Of(params WireExchange[] exchanges) => new(request =>
    {
        var match = exchanges.FirstOrDefault(e => e.Path == request.Path && (e.Method != "GET" || e.Query == request.Query))
            ?? exchanges.FirstOrDefault(e => e.Path == request.Path);
        return match is null ? null : (match.Status, match.ResponseBody, ContentTypeOf(match));
    });

    public static string ContentTypeOf(WireExchange exchange) =>
        exchange.ResponseHeaders.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? "text/html; charset=utf-8";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method.Method,
            request.RequestUri!.AbsolutePath,
            request.RequestUri.Query.TrimStart('?'),
            body,
            request.Content?.Headers.ContentType?.ToString(),
            request.Headers.Accept.ToString());
        lock (Requests)
        {
            Requests.Add(recorded);
        }

        var answer = _answer(recorded) ?? (404, "<p>not in the replay</p>", "text/html; charset=utf-8");
        var parts = answer.ContentType.Split(';', 2);
        var content = new StringContent(answer.Body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(parts[0].Trim());
        return new HttpResponseMessage((HttpStatusCode)answer.Status) { Content = content, RequestMessage = request };
    }
}

/// <summary>What a client sent.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string Body, string? ContentType, string Accept)
{
    public IReadOnlyList<KeyValuePair<string, string>> FormFields => WireCaptures.ParseForm(Body);

    public IReadOnlyList<KeyValuePair<string, string>> QueryFields => WireCaptures.ParseForm(Query);
}
