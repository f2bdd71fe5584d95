namespace SlapOS.ScaleDriver;

/// <summary>Counts the HTTP calls and the response body bytes that go through a client.</summary>
internal sealed class ByteCountingHandler : DelegatingHandler
{
    private long _bytes;
    private long _calls;

    public ByteCountingHandler(HttpMessageHandler inner) : base(inner)
    {
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Calls => Interlocked.Read(ref _calls);

    public void Reset()
    {
        Interlocked.Exchange(ref _bytes, 0);
        Interlocked.Exchange(ref _calls, 0);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var buffered = new ByteArrayContent(body);
        foreach (var header in response.Content.Headers)
        {
            buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = buffered;
        Interlocked.Add(ref _bytes, body.Length);
        Interlocked.Increment(ref _calls);
        return response;
    }
}
