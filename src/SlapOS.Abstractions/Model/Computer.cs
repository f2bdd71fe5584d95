namespace SlapOS;

/// <summary>
/// A computer (slave node) registered on the master, with the attributes an operator sets
/// (region, CPU architecture, network, price per partition-hour, any extra key).
/// </summary>
public sealed record Computer
{
    /// <summary>The attribute key naming the computer's region.</summary>
    public const string RegionAttribute = "region";

    /// <summary>The attribute key naming the computer's CPU architecture.</summary>
    public const string CpuArchitectureAttribute = "cpu_architecture";

    /// <summary>The attribute key naming the computer's network.</summary>
    public const string NetworkAttribute = "network";

    /// <summary>The attribute key holding the price of one partition-hour (invariant decimal).</summary>
    public const string PriceAttribute = "price";

    /// <summary>The computer's reference (its id, e.g. <c>COMP-1</c>).</summary>
    public required string Reference { get; init; }

    /// <summary>A human title.</summary>
    public string? Title { get; init; }

    /// <summary>The computer's main IP address, as reported by <c>slapos node format</c>.</summary>
    public string? Address { get; init; }

    /// <summary>The computer's netmask, as reported by <c>slapos node format</c>.</summary>
    public string? Netmask { get; init; }

    /// <summary>The reference of the person who owns the computer, if any.</summary>
    public string? OwnerReference { get; init; }

    /// <summary>Operator-set attributes, matched against SLA keys during allocation.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether new instances may be allocated on this computer.</summary>
    public bool AllocationOpen { get; init; } = true;

    /// <summary>When the computer last contacted the master.</summary>
    public DateTimeOffset? LastContact { get; init; }
}
