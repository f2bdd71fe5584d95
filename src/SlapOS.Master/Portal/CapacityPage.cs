using System.Globalization;
using Microsoft.AspNetCore.Http;
using SlapOS.Master.Api.Security;

namespace SlapOS.Master.Portal;

/// <summary>
/// Where the cloud is full: per computer, its used, reserved and free partitions as a bar and as numbers, fullest
/// first, with the cloud's totals. One aggregate query of the store (<see cref="ISlapMaster.ListComputerCapacityAsync"/>)
/// whatever the number of partitions.
/// </summary>
internal static class CapacityPage
{
    private const int BarWidth = 240;
    private const int BarHeight = 16;

    public static async Task RenderAsync(HttpContext context)
    {
        var computers = await PortalEndpoints.Queries(context).ListCapacityAsync(context.GetSlapIdentity(), context.RequestAborted);
        var body = new HtmlBuilder();
        if (computers.Count == 0)
        {
            body.Add($"<p>No computer is yours to see.</p>");
            await PortalLayout.WriteAsync(context, "Capacity", body.ToMarkup());
            return;
        }

        var total = computers.Sum(c => c.TotalPartitions);
        var used = computers.Sum(c => c.UsedPartitions);
        var reserved = computers.Sum(c => c.ReservedPartitions);
        var allocatable = computers.Where(c => c.AllocationOpen).Sum(c => c.FreePartitions);
        var closed = computers.Where(c => !c.AllocationOpen).Sum(c => c.FreePartitions);
        body.Add($"""
            <p class="hint">Used: running a live instance. Reserved: held by an instance requested destroyed until its node wipes it. Free: ready for a new instance (not on a computer closed to allocation).</p>
            <dl class="attrs totals" id="capacity-totals">
            <dt>Computers</dt><dd>{computers.Count}</dd>
            <dt>Partitions</dt><dd>{total}</dd>
            <dt>Used</dt><dd>{used} ({Percent(used, total)})</dd>
            <dt>Reserved</dt><dd>{reserved}</dd>
            <dt>Free for allocation</dt><dd>{allocatable}{(closed > 0 ? $" (and {closed} on closed computers)" : string.Empty)}</dd>
            <dt>Full computers</dt><dd>{computers.Count(IsFull)}</dd>
            </dl>
            <div class="table-wrap"><table class="stack" id="capacity">
            <caption>Computers, fullest first</caption>
            <thead><tr><th scope="col">Computer</th><th scope="col">Fill</th><th scope="col" class="num">Used</th><th scope="col" class="num">Reserved</th><th scope="col" class="num">Free</th><th scope="col" class="num">Partitions</th><th scope="col">Allocation</th><th scope="col">Last contact</th></tr></thead><tbody>
            """);
        foreach (var c in computers.OrderBy(c => Free(c)).ThenByDescending(c => c.TotalPartitions).ThenBy(c => c.ComputerReference, StringComparer.Ordinal))
        {
            body.Add($"""
                <tr data-computer="{c.ComputerReference}"><td data-label="Computer"><a href="{PortalFormat.ComputerPath(c.ComputerReference)}">{c.ComputerReference}</a>{(c.Title is { Length: > 0 } t ? new HtmlBuilder().Add($"<br><span class=\"muted\">{t}</span>").ToMarkup() : Markup.Empty)}</td>
                <td data-label="Fill">{Bar(c)}</td>
                <td data-label="Used" class="num">{c.UsedPartitions}</td>
                <td data-label="Reserved" class="num">{c.ReservedPartitions}</td>
                <td data-label="Free" class="num">{c.FreePartitions}</td>
                <td data-label="Partitions" class="num">{c.TotalPartitions}</td>
                <td data-label="Allocation">{(IsFull(c) ? PortalFormat.State("full", "error") : c.AllocationOpen ? PortalFormat.State("open", "started") : PortalFormat.State("closed", "stopped"))}</td>
                <td data-label="Last contact">{PortalFormat.Time(c.LastContact)}</td></tr>
                """);
        }

        body.Add($"</tbody></table></div>");
        await PortalLayout.WriteAsync(context, "Capacity", body.ToMarkup());
    }

    /// <summary>Free partitions a new request could take there.</summary>
    private static int Free(ComputerCapacity c) => c.AllocationOpen ? c.FreePartitions : 0;

    private static bool IsFull(ComputerCapacity c) => Free(c) == 0;

    /// <summary>A stacked bar: used, reserved, free (hatched grey when allocation is closed).</summary>
    private static Markup Bar(ComputerCapacity c)
    {
        var total = Math.Max(c.TotalPartitions, 1);
        var usedWidth = BarWidth * c.UsedPartitions / (double)total;
        var reservedWidth = BarWidth * c.ReservedPartitions / (double)total;
        var freeWidth = Math.Max(0, BarWidth - usedWidth - reservedWidth);
        var label = $"{c.UsedPartitions} used, {c.ReservedPartitions} reserved, {c.FreePartitions} free of {c.TotalPartitions}";
        return new HtmlBuilder().Add($"""
            <svg class="bar" viewBox="0 0 {BarWidth} {BarHeight}" width="{BarWidth}" height="{BarHeight}" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg">
            <rect class="used" x="0" y="0" width="{N(usedWidth)}" height="{BarHeight}" fill="#0b5cad"/>
            <rect class="reserved" x="{N(usedWidth)}" y="0" width="{N(reservedWidth)}" height="{BarHeight}" fill="#c2410c"/>
            <rect class="free" x="{N(usedWidth + reservedWidth)}" y="0" width="{N(freeWidth)}" height="{BarHeight}" fill="{(c.AllocationOpen ? "#cfe8d4" : "#d5dae0")}"/>
            <rect x="0.5" y="0.5" width="{BarWidth - 1}" height="{BarHeight - 1}" fill="none" stroke="#8f99a3"/>
            </svg>
            """).ToMarkup();
    }

    private static string Percent(int part, int whole) => whole == 0 ? "0%" : (part / (double)whole).ToString("0%", CultureInfo.InvariantCulture);

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
