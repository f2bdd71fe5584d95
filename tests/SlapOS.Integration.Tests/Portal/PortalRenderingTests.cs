using SlapOS.Master.Portal;

namespace SlapOS.Integration.Tests.Portal;

/// <summary>The portal's building blocks: encoding by default, parameter lines, usage periods, the chart.</summary>
public sealed class PortalRenderingTests
{
    [Fact]
    public void Interpolated_values_are_html_encoded_and_markup_is_not()
    {
        var title = "<script>alert('x')</script>\" onmouseover=\"y";

        var html = new HtmlBuilder().Add($"<a title=\"{title}\">{new Markup("<b>kept</b>")}</a>").ToString();

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\" onmouseover", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<b>kept</b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_lines_are_key_value_pairs_or_a_json_object()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["a"] = "1", ["b"] = "x=y" },
            KeyValueLines.Parse("a = 1\r\n\n# a comment\nb=x=y", "parameters", allowJson: true));
        Assert.Equal(
            new Dictionary<string, string> { ["port"] = "8080", ["name"] = "web" },
            KeyValueLines.Parse("{\"port\": 8080, \"name\": \"web\"}", "parameters", allowJson: true));
        Assert.Equal("sla", Assert.Throws<SlapValidationException>(() => KeyValueLines.Parse("{\"a\": 1}", "sla", allowJson: false)).Field);
        Assert.Throws<SlapValidationException>(() => KeyValueLines.Parse("a=1\na=2", "parameters", allowJson: true));
        Assert.Throws<SlapValidationException>(() => KeyValueLines.Parse("{not json", "parameters", allowJson: true));
    }

    [Fact]
    public void A_usage_period_ends_with_today_or_this_hour()
    {
        var now = new DateTimeOffset(2026, 3, 10, 14, 25, 0, TimeSpan.FromHours(2));

        var week = UsagePeriod.Last(7, now);
        var day = UsagePeriod.Last(1, now);

        Assert.Equal(new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero), week.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero), week.End);
        Assert.Equal((7, false), (week.Buckets, week.Hourly));
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 13, 0, 0, TimeSpan.Zero), day.End);
        Assert.Equal((24, true), (day.Buckets, day.Hourly));
    }

    [Fact]
    public void The_chart_draws_one_line_per_series_and_tells_when_there_is_nothing()
    {
        var buckets = new[] { DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1) };
        var series = new[] { new UsageSeries("web", [1, 2], 1024, 2), new UsageSeries("<db>", [0, 4], 2048, 1) };

        var chart = UsageChart.Render(buckets, series, "CPU", "c", dayLabels: true).Value;
        var empty = UsageChart.Render(buckets, [], "CPU", "c", dayLabels: true).Value;

        Assert.Equal(2, chart.Split("<polyline").Length - 1);
        Assert.Contains("&lt;db&gt;", chart, StringComparison.Ordinal);
        Assert.Contains("role=\"img\"", chart, StringComparison.Ordinal);
        Assert.Contains("No usage reported", empty, StringComparison.Ordinal);
    }
}
