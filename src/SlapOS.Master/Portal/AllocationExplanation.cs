namespace SlapOS.Master.Portal;

/// <summary>
/// Why a request is pending (nothing could host it), beside the request: each policy of the allocation pipeline in
/// its order, how many computers it eliminated and which, and how many were left. The facts are the pipeline's own
/// (<see cref="NoFreePartitionException.Eliminations"/>).
/// </summary>
internal static class AllocationExplanation
{
    /// <summary>The explanation; only computers in <paramref name="visible"/> are named (the others are counted).</summary>
    public static Markup Render(NoFreePartitionException allocation, IReadOnlySet<string> visible)
    {
        var html = new HtmlBuilder().Add($"""
            <aside class="card explanation" id="allocation-explanation" aria-labelledby="explanation-title">
            <h2 id="explanation-title">Why it is pending</h2>
            <p>The allocation considered <strong>{allocation.Candidates}</strong> computer(s). Each policy, in order, eliminated:</p>
            <div class="table-wrap"><table>
            <thead><tr><th scope="col">Policy</th><th scope="col" class="num">Eliminated</th><th scope="col" class="num">Left</th><th scope="col">Computers</th></tr></thead><tbody>
            """);
        foreach (var step in allocation.Eliminations)
        {
            html.Add($"""
                <tr{new Markup(step.Eliminated > 0 ? " class=\"eliminating\"" : string.Empty)}><th scope="row">{step.Policy}</th><td class="num">{step.Eliminated}</td><td class="num">{step.Kept}</td>
                <td>{Computers(step, visible)}</td></tr>
                """);
        }

        var last = allocation.Eliminations.LastOrDefault(e => e.Eliminated > 0);
        html.Add($"</tbody></table></div>");
        if (allocation.Candidates == 0)
        {
            html.Add($"<p class=\"hint\">No computer is registered: format a node first.</p>");
        }
        else if (last is not null)
        {
            html.Add($"<p class=\"hint\">Nothing was left after <strong>{last.Policy}</strong>: change what the request asks of it (its SLA), or add capacity that meets it.</p>");
        }

        return html.Add($"</aside>").ToMarkup();
    }

    private static Markup Computers(PolicyElimination step, IReadOnlySet<string> visible)
    {
        var named = step.Computers.Where(visible.Contains).ToList();
        if (named.Count == 0)
        {
            return step.Eliminated > 0 ? new HtmlBuilder().Add($"<span class=\"muted\">{step.Eliminated} not yours to see</span>").ToMarkup() : Markup.Empty;
        }

        var html = new HtmlBuilder();
        for (var i = 0; i < named.Count; i++)
        {
            html.Add($"{(i > 0 ? ", " : string.Empty)}<a href=\"{PortalFormat.ComputerPath(named[i])}\">{named[i]}</a>");
        }

        if (step.Eliminated > named.Count)
        {
            html.Add($" and {step.Eliminated - named.Count} other(s)");
        }

        return html.ToMarkup();
    }
}
