using System.Globalization;

namespace SlapOS.ScaleDriver;

/// <summary>Reads <c>--name value</c> options.</summary>
internal sealed class Options(string[] args)
{
    public string? Get(string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public int[] Ints(string name, string fallback) =>
        Get(name, fallback).Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();

    public bool Has(string name) => Array.IndexOf(args, name) >= 0;
}
