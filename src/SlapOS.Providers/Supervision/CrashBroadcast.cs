using System.Threading.Channels;

namespace SlapOS.Providers.Supervision;

/// <summary>Fans crash events out to every current watcher.</summary>
internal sealed class CrashBroadcast
{
    private readonly Lock sync = new();
    private readonly List<Channel<ProgramCrash>> watchers = [];

    public void Publish(ProgramCrash crash)
    {
        lock (sync)
        {
            foreach (var watcher in watchers)
            {
                watcher.Writer.TryWrite(crash);
            }
        }
    }

    public async IAsyncEnumerable<ProgramCrash> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ProgramCrash>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (sync)
        {
            watchers.Add(channel);
        }

        try
        {
            await foreach (var crash in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return crash;
            }
        }
        finally
        {
            lock (sync)
            {
                watchers.Remove(channel);
            }
        }
    }
}
