namespace SlapOS.Master.Portal;

/// <summary>
/// The period a usage chart covers, aligned on UTC days (or hours for one day) so each bucket is a whole
/// calendar day (or hour) and its label says which: the last bucket is today (or this hour).
/// </summary>
/// <param name="Start">The start of the first bucket.</param>
/// <param name="End">The end of the last bucket.</param>
/// <param name="Buckets">How many buckets.</param>
/// <param name="Hourly">Whether the buckets are hours (else days).</param>
internal sealed record UsagePeriod(DateTimeOffset Start, DateTimeOffset End, int Buckets, bool Hourly)
{
    public static UsagePeriod Last(int days, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        if (days <= 1)
        {
            var hourEnd = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
            return new UsagePeriod(hourEnd.AddHours(-24), hourEnd, 24, Hourly: true);
        }

        var dayEnd = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
        return new UsagePeriod(dayEnd.AddDays(-days), dayEnd, days, Hourly: false);
    }
}
