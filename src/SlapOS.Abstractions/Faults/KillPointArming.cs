using System.Globalization;

namespace SlapOS;

/// <summary>What <see cref="KillPoints.EnvironmentVariable"/> asks for: a point (the N-th time it is reached), the N-th point, or a trace.</summary>
internal sealed record KillPointArming(string? Name, int Occurrence, int? Nth)
{
    public static KillPointArming? Parse(string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value == "trace")
        {
            return new KillPointArming(null, 0, null);
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var nth) && nth > 0)
        {
            return new KillPointArming(null, 0, nth);
        }

        var hash = value.LastIndexOf('#');
        if (hash < 0)
        {
            return new KillPointArming(value, 1, null);
        }

        if (hash > 0 && int.TryParse(value.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var occurrence) && occurrence > 0)
        {
            return new KillPointArming(value[..hash], occurrence, null);
        }

        throw new InvalidOperationException($"{KillPoints.EnvironmentVariable}='{value}' is not a kill point: expected a name, name#N, N (a number above 0) or trace.");
    }
}
