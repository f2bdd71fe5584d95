namespace SlapOS.Testing;

/// <summary>Waits for a condition by polling with a bounded deadline (never a fixed sleep that asserts timing).</summary>
public static class Eventually
{
    /// <summary>How long a wait lasts unless told otherwise (20 seconds).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds; a <see cref="TimeoutException"/> naming <paramref name="what"/> past the deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; a <see cref="TimeoutException"/> naming <paramref name="what"/> past the deadline.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);
}
