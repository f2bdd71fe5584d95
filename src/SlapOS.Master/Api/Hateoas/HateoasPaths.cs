namespace SlapOS.Master.Api.Hateoas;

/// <summary>The document addresses (<c>relative_url</c>) of the HATEOAS subset, under <c>/hateoas/</c>.</summary>
internal static class HateoasPaths
{
    public const string Prefix = "/hateoas";
    public const string Root = Prefix + "/";
    public const string Partitions = "partitions";
    public const string Shared = "shared";
    public const string Computers = "computers";

    /// <summary>
    /// The document of an instance. Instances are addressed by their reference, which, unlike the
    /// title slapproxy uses, is unique across requesters.
    /// </summary>
    public static string Instance(SoftwareInstance instance) =>
        $"{Root}{(instance.Shared ? Shared : Partitions)}/{Uri.EscapeDataString(instance.Reference)}";

    public static string Computer(string reference) => $"{Root}{Computers}/{Uri.EscapeDataString(reference)}";

    /// <summary>Whether <paramref name="relativeUrl"/> names a document of this master (and so is safe to redirect to).</summary>
    public static bool IsDocument(string? relativeUrl) =>
        relativeUrl is not null
        && relativeUrl.StartsWith(Root, StringComparison.Ordinal)
        && !relativeUrl.Contains("//", StringComparison.Ordinal)
        && !relativeUrl.Contains('\\', StringComparison.Ordinal)
        && !relativeUrl.Any(char.IsControl);
}
