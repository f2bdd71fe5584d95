namespace SlapOS.Providers.Storage;

/// <summary>A <c>computers</c> row (and, for candidates, its counts and whether the release is installed).</summary>
internal sealed class ComputerRow
{
    public string Reference { get; set; } = "";
    public string? Title { get; set; }
    public string? Address { get; set; }
    public string? Netmask { get; set; }
    public string? OwnerReference { get; set; }
    public string Attributes { get; set; } = "{}";
    public long AllocationOpen { get; set; } = 1;
    public long? LastContact { get; set; }
    public long FreePartitions { get; set; }
    public long TotalPartitions { get; set; }
    public long Installed { get; set; }

    public static object Parameters(Computer c) => new
    {
        c.Reference,
        c.Title,
        c.Address,
        c.Netmask,
        c.OwnerReference,
        Attributes = StoreJson.Write(c.Attributes),
        AllocationOpen = c.AllocationOpen ? 1L : 0L,
    };

    public Computer ToComputer() => new()
    {
        Reference = Reference,
        Title = Title,
        Address = Address,
        Netmask = Netmask,
        OwnerReference = OwnerReference,
        Attributes = StoreJson.ReadCachedDictionary(Attributes),
        AllocationOpen = AllocationOpen != 0,
        LastContact = StoreWords.Time(LastContact),
    };
}
