using System.Globalization;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace SlapOS.Providers.Buildout.Recipes;

/// <summary>
/// A buildout section as a Liquid variable, read only when a template uses it: reading a section
/// initializes it (and its recipe), so sections a template does not use stay untouched.
/// </summary>
internal sealed class LazySectionValue(BuildoutProfile profile, string section, TemplateOptions options) : FluidValue
{
    private FluidValue? _value;

    public override FluidValues Type => FluidValues.Dictionary;

    private FluidValue Value => _value ??= Load();

    private FluidValue Load()
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in profile.GetOptions(section))
        {
            values[key] = value;
            values.TryAdd(key.Replace('-', '_').Replace('.', '_'), value);
        }

        return Create(values, options);
    }

    public override bool Equals(FluidValue other) => other is LazySectionValue lazy ? lazy.Value.Equals(Value) : Value.Equals(other);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => Value.ToStringValue();

    public override object ToObjectValue() => Value.ToObjectValue();

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => Value.GetValueAsync(name, context);

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) => Value.GetIndexAsync(index, context);

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo) => Value.WriteToAsync(writer, encoder, cultureInfo);

    public override bool Equals(object? obj) => obj is FluidValue value && Equals(value);

    public override int GetHashCode() => Value.GetHashCode();
}
