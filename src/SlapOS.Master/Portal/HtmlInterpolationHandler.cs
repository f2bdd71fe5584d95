using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace SlapOS.Master.Portal;

/// <summary>
/// Writes an interpolated string into an <see cref="HtmlBuilder"/>: literals as they are, every hole
/// HTML-encoded (attributes are always double-quoted), except <see cref="Markup"/> which is already HTML.
/// Encoding by default is what keeps titles, parameters and error messages from injecting markup.
/// </summary>
[InterpolatedStringHandler]
internal readonly ref struct HtmlInterpolationHandler
{
    private readonly StringBuilder _output;

    public HtmlInterpolationHandler(int literalLength, int formattedCount, HtmlBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        _output = builder.Output;
        _output.EnsureCapacity(_output.Length + literalLength + (formattedCount * 16));
    }

    public void AppendLiteral(string value) => _output.Append(value);

    public void AppendFormatted(Markup value) => _output.Append(value.Value);

    public void AppendFormatted(string? value) => _output.Append(HtmlEncoder.Default.Encode(value ?? string.Empty));

    public void AppendFormatted<T>(T value) =>
        _output.Append(HtmlEncoder.Default.Encode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
}
