using System.Globalization;

namespace SlapOS;

/// <summary>
/// The instance timestamp: bumped whenever what a node must apply to an instance changes.
/// Stored as microseconds since the Unix epoch and written on the wire as SlapOS does,
/// seconds with a fraction (<c>1795545640.694194</c>).
/// </summary>
public readonly record struct InstanceTimestamp(long Microseconds) : IComparable<InstanceTimestamp>
{
    /// <summary>A timestamp strictly after <paramref name="previous"/> and not before <paramref name="now"/>.</summary>
    public static InstanceTimestamp Next(DateTimeOffset now, InstanceTimestamp? previous = null)
    {
        var micros = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        if (previous is { } p && micros <= p.Microseconds)
        {
            micros = p.Microseconds + 1;
        }

        return new InstanceTimestamp(micros);
    }

    /// <summary>Parses the wire form (seconds with an optional fraction).</summary>
    public static InstanceTimestamp Parse(string value)
    {
        var seconds = decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new InstanceTimestamp((long)(seconds * 1_000_000m));
    }

    /// <inheritdoc />
    public int CompareTo(InstanceTimestamp other) => Microseconds.CompareTo(other.Microseconds);

    /// <summary>The wire form: seconds since the epoch with six decimals.</summary>
    public override string ToString() =>
        (Microseconds / 1_000_000m).ToString("0.000000", CultureInfo.InvariantCulture);

    /// <summary>Compares two timestamps.</summary>
    public static bool operator <(InstanceTimestamp left, InstanceTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Compares two timestamps.</summary>
    public static bool operator >(InstanceTimestamp left, InstanceTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Compares two timestamps.</summary>
    public static bool operator <=(InstanceTimestamp left, InstanceTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two timestamps.</summary>
    public static bool operator >=(InstanceTimestamp left, InstanceTimestamp right) => left.CompareTo(right) >= 0;
}
