namespace SlapOS.Abstractions.Tests;

public class InstanceTimestampTests
{
    [Fact]
    public void Next_is_strictly_after_the_previous_even_within_the_same_microsecond()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var first = InstanceTimestamp.Next(now);
        var second = InstanceTimestamp.Next(now, first);

        Assert.True(second > first);
        Assert.Equal(first.Microseconds + 1, second.Microseconds);
    }

    [Fact]
    public void Wire_form_is_seconds_with_a_fraction_and_parses_back()
    {
        var timestamp = InstanceTimestamp.Parse("1795545640.6941948");

        Assert.Equal(1795545640694194, timestamp.Microseconds);
        Assert.Equal("1795545640.694194", timestamp.ToString());
        Assert.Equal(timestamp, InstanceTimestamp.Parse(timestamp.ToString()));
    }
}
