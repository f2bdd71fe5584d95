namespace SlapOS.Wire;

/// <summary>
/// A class instance (<c>&lt;object module=.. class=..&gt;</c>): Python builds it with
/// <c>Class(*InitArgs)</c> then sets each <see cref="State"/> item as an attribute.
/// Only the <see cref="SlapModule"/> classes of <see cref="KnownClasses"/> are read or written.
/// </summary>
/// <param name="Module">The Python module.</param>
/// <param name="ClassName">The Python class.</param>
/// <param name="InitArgs">The constructor arguments.</param>
/// <param name="State">The instance attributes (string keys, leading underscore kept).</param>
public sealed record MarshalObject(string Module, string ClassName, MarshalTuple InitArgs, IDictionary<object, object?> State)
{
    /// <summary>The module of every SlapOS class on the wire.</summary>
    public const string SlapModule = "slapos.slap.slap";

    /// <summary>The classes SlapOS exchanges: <c>Computer</c>, <c>ComputerPartition</c>, <c>SoftwareRelease</c>, <c>SoftwareInstance</c>.</summary>
    public static IReadOnlySet<string> KnownClasses { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "Computer", "ComputerPartition", "SoftwareRelease", "SoftwareInstance" };

    /// <summary>Creates a <see cref="SlapModule"/> object.</summary>
    public static MarshalObject Slap(string className, MarshalTuple initArgs, IDictionary<object, object?> state) =>
        new(SlapModule, className, initArgs, state);

    /// <summary>A state attribute, or <see langword="null"/> when absent.</summary>
    public object? Get(string name) => State.TryGetValue(name, out var value) ? value : null;

    /// <summary>Whether the object is of the given <see cref="SlapModule"/> class.</summary>
    public bool Is(string className) => Module == SlapModule && ClassName == className;
}
