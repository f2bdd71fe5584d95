using System.Globalization;

namespace SlapOS.Master.Portal;

/// <summary>
/// Draws usage series as an inline SVG line chart, server-side (no script), followed by the same
/// numbers as a table for screen readers and keyboard users.
/// </summary>
internal static class UsageChart
{
    private const int Width = 720;
    private const int Height = 260;
    private const int Left = 56;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 36;
    private static readonly string[] Colors = ["#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0e7490"];

    public static Markup Render(IReadOnlyList<DateTimeOffset> buckets, IReadOnlyList<UsageSeries> series, string caption, string id, bool dayLabels, UsageMetric metric = UsageMetric.Cpu)
    {
        string Value(double v) => metric == UsageMetric.Cpu ? Short(v) : Bytes((long)v);
        var html = new HtmlBuilder();
        if (series.Count == 0)
        {
            return html.Add($"<p class=\"muted\" id=\"{id}\">No usage reported over this period.</p>").ToMarkup();
        }

        var max = Math.Max(series.SelectMany(s => s.Values(metric)).DefaultIfEmpty(0).Max(), 1e-9);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(int i) => Left + (buckets.Count == 1 ? plotWidth / 2.0 : plotWidth * i / (double)(buckets.Count - 1));
        double Y(double v) => Top + plotHeight - (plotHeight * v / max);

        html.Add($"""
            <figure class="chart" id="{id}">
            <svg viewBox="0 0 {Width} {Height}" role="img" aria-labelledby="{id}-title" focusable="false" xmlns="http://www.w3.org/2000/svg">
            <title id="{id}-title">{caption}</title>
            <line x1="{Left}" y1="{Top + plotHeight}" x2="{Width - Right}" y2="{Top + plotHeight}" stroke="#8f99a3"/>
            <line x1="{Left}" y1="{Top}" x2="{Left}" y2="{Top + plotHeight}" stroke="#8f99a3"/>
            """);
        for (var g = 0; g <= 4; g++)
        {
            var value = max * g / 4;
            var y = Y(value);
            html.Add($"""<line x1="{Left}" y1="{N(y)}" x2="{Width - Right}" y2="{N(y)}" stroke="#e3e7ec"/><text x="{Left - 6}" y="{N(y + 4)}" text-anchor="end" font-size="11" fill="#5a6470">{Value(value)}</text>""");
        }

        var step = Math.Max(1, buckets.Count / 8);
        for (var i = 0; i < buckets.Count; i += step)
        {
            html.Add($"""<text x="{N(X(i))}" y="{Height - 12}" text-anchor="middle" font-size="11" fill="#5a6470">{Label(buckets[i], dayLabels)}</text>""");
        }

        for (var s = 0; s < series.Count; s++)
        {
            var color = Colors[s % Colors.Length];
            var values = series[s].Values(metric);
            var points = string.Join(' ', values.Select((v, i) => N(X(i)) + "," + N(Y(v))));
            html.Add($"""<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2.5"/>""");
            for (var i = 0; i < values.Count; i++)
            {
                html.Add($"""<circle cx="{N(X(i))}" cy="{N(Y(values[i]))}" r="3" fill="{color}"/>""");
            }
        }

        html.Add($"</svg><figcaption>{caption}</figcaption><ul class=\"legend\">");
        for (var s = 0; s < series.Count; s++)
        {
            html.Add($"<li><span class=\"swatch sw{s % Colors.Length}\" aria-hidden=\"true\"></span>{series[s].Name}</li>");
        }

        html.Add($"""
            </ul></figure>
            <details><summary>The numbers</summary><div class="table-wrap"><table>
            <thead><tr><th scope="col">Series</th>
            """);
        foreach (var bucket in buckets)
        {
            html.Add($"<th scope=\"col\" class=\"num\">{Label(bucket, dayLabels)}</th>");
        }

        if (metric == UsageMetric.Cpu)
        {
            html.Add($"<th scope=\"col\" class=\"num\">Total CPU s</th><th scope=\"col\" class=\"num\">Peak memory</th></tr></thead><tbody>");
        }
        else
        {
            html.Add($"<th scope=\"col\" class=\"num\">Highest</th></tr></thead><tbody>");
        }

        foreach (var one in series)
        {
            html.Add($"<tr><th scope=\"row\">{one.Name}</th>");
            foreach (var value in one.Values(metric))
            {
                html.Add($"<td class=\"num\">{Value(value)}</td>");
            }

            if (metric == UsageMetric.Cpu)
            {
                html.Add($"<td class=\"num\">{Short(one.CpuSeconds.Sum())}</td><td class=\"num\">{Bytes(one.PeakMemoryBytes)}</td></tr>");
            }
            else
            {
                html.Add($"<td class=\"num\">{Value(one.Values(metric).DefaultIfEmpty(0).Max())}</td></tr>");
            }
        }

        return html.Add($"</tbody></table></div></details>").ToMarkup();
    }

    /// <summary>CPU, memory and disk charts of the same series side by side (ids <paramref name="id"/>, <c>-memory</c>, <c>-disk</c>).</summary>
    public static Markup RenderAll(IReadOnlyList<DateTimeOffset> buckets, IReadOnlyList<UsageSeries> series, string subject, string id, bool dayLabels)
    {
        var unit = dayLabels ? "day" : "hour";
        return new HtmlBuilder().Add($"""
            <div class="charts">
            <div class="chart-cell">{Render(buckets, series, $"CPU seconds per {unit} {subject}", id, dayLabels)}</div>
            <div class="chart-cell">{Render(buckets, series, $"Memory (peak) per {unit} {subject}", id + "-memory", dayLabels, UsageMetric.Memory)}</div>
            <div class="chart-cell">{Render(buckets, series, $"Disk used per {unit} {subject}", id + "-disk", dayLabels, UsageMetric.Disk)}</div>
            </div>
            """).ToMarkup();
    }

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Short(double value) => value.ToString(value >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string Label(DateTimeOffset bucket, bool day) =>
        bucket.ToUniversalTime().ToString(day ? "MM-dd" : "MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
