using System.Globalization;

namespace SlapOS.Master.Portal;

/// <summary>
/// Draws an instance tree as a graph, server-side, as an inline SVG (no script): one box per instance, a column per
/// depth, parents centred beside their children, edges from requester to requested. Each box shows the title and the
/// requested and reported states; its border says how it is doing. The nested list under it holds the same facts.
/// </summary>
internal static class TreeGraph
{
    private const int BoxWidth = 220;
    private const int BoxHeight = 46;
    private const int ColumnGap = 56;
    private const int RowHeight = 60;
    private const int Margin = 8;
    private const int MaxTitle = 26;

    public static Markup Render(InstanceTree tree, string id)
    {
        var positions = new Dictionary<string, (int Depth, double Row)>(StringComparer.Ordinal);
        var nextRow = 0;
        var maxDepth = 0;
        double Place(SoftwareInstance instance, int depth, HashSet<string> seen)
        {
            maxDepth = Math.Max(maxDepth, depth);
            var children = seen.Add(instance.Reference)
                ? tree.ChildrenOf(instance).OrderBy(c => c.Title, StringComparer.Ordinal).ToList()
                : [];
            double row;
            if (children.Count == 0)
            {
                row = nextRow++;
            }
            else
            {
                var rows = children.Select(c => Place(c, depth + 1, seen)).ToList();
                row = (rows[0] + rows[^1]) / 2;
            }

            positions[instance.Reference] = (depth, row);
            return row;
        }

        Place(tree.Root, 0, new HashSet<string>(StringComparer.Ordinal));
        var width = (2 * Margin) + ((maxDepth + 1) * BoxWidth) + (maxDepth * ColumnGap);
        var height = (2 * Margin) + (nextRow * RowHeight) - (RowHeight - BoxHeight);
        static double X(int depth) => Margin + (depth * (BoxWidth + ColumnGap));
        static double Y(double row) => Margin + (row * RowHeight);

        var html = new HtmlBuilder().Add($"""
            <figure class="graph" id="{id}">
            <svg viewBox="0 0 {width} {height}" width="{width}" role="img" aria-labelledby="{id}-title" focusable="false" xmlns="http://www.w3.org/2000/svg">
            <title id="{id}-title">The instance tree of {tree.Root.Title} as a graph: {positions.Count} instance(s)</title>
            """);
        foreach (var instance in tree.Instances)
        {
            if (instance.IsRoot || !positions.TryGetValue(instance.Reference, out var child) || !positions.TryGetValue(instance.RequesterReference, out var parent))
            {
                continue;
            }

            var x1 = X(parent.Depth) + BoxWidth;
            var y1 = Y(parent.Row) + (BoxHeight / 2.0);
            var x2 = X(child.Depth);
            var y2 = Y(child.Row) + (BoxHeight / 2.0);
            var mid = (x1 + x2) / 2;
            html.Add($"""<path class="edge" d="M{N(x1)},{N(y1)} C{N(mid)},{N(y1)} {N(mid)},{N(y2)} {N(x2)},{N(y2)}" fill="none" stroke="#8f99a3" stroke-width="1.5"/>""");
        }

        foreach (var instance in tree.Instances.OrderBy(i => i.Title, StringComparer.Ordinal))
        {
            if (!positions.TryGetValue(instance.Reference, out var at))
            {
                continue;
            }

            var (stroke, fill) = Tone(instance);
            var x = X(at.Depth);
            var y = Y(at.Row);
            var dashed = instance.Shared || instance.RequestedState == RequestedState.Destroyed;
            html.Add($"""
                <g class="node" data-instance="{instance.Reference}">
                <rect x="{N(x)}" y="{N(y)}" width="{BoxWidth}" height="{BoxHeight}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="2"{new Markup(dashed ? " stroke-dasharray=\"5 3\"" : string.Empty)}/>
                <text x="{N(x + 10)}" y="{N(y + 19)}" font-size="13" font-weight="600" fill="#1b1f24">{Short(instance.Title)}{(instance.Shared ? " (shared)" : string.Empty)}</text>
                <text x="{N(x + 10)}" y="{N(y + 37)}" font-size="11" fill="#5a6470">{instance.RequestedState.ToWire()} · {Reported(instance.ReportedState)}{(instance.PartitionReference is { } p && !instance.Shared ? " · " + p : string.Empty)}</text>
                </g>
                """);
        }

        return html.Add($"""
            </svg>
            <figcaption>Requester to requested; the border tells the reported state (green started, amber stopped or not reported, red error); dashed: shared or being destroyed.</figcaption>
            </figure>
            """).ToMarkup();
    }

    private static (string Stroke, string Fill) Tone(SoftwareInstance instance) => instance.ReportedState switch
    {
        _ when instance.RequestedState == RequestedState.Destroyed => ("#a4161a", "#fdf2f2"),
        ReportedState.Error => ("#a4161a", "#fdecec"),
        ReportedState.Started => ("#1f6f2b", "#eef7f0"),
        _ => ("#8a5a00", "#fbf5e8"),
    };

    private static string Reported(ReportedState state) => state == ReportedState.None ? "not reported" : state.ToWire();

    private static string Short(string title) => title.Length <= MaxTitle ? title : string.Concat(title.AsSpan(0, MaxTitle - 1), "…");

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
