using System.Runtime.CompilerServices;
using System.Text;

namespace SlapOS.Master.Portal;

/// <summary>Builds an HTML fragment; interpolated holes are encoded (see <see cref="HtmlInterpolationHandler"/>).</summary>
internal sealed class HtmlBuilder
{
    internal StringBuilder Output { get; } = new();

    public HtmlBuilder Add([InterpolatedStringHandlerArgument("")] HtmlInterpolationHandler html)
    {
        _ = html;
        return this;
    }

    public HtmlBuilder Add(Markup html)
    {
        Output.Append(html.Value);
        return this;
    }

    public Markup ToMarkup() => new(Output.ToString());

    public override string ToString() => Output.ToString();
}
