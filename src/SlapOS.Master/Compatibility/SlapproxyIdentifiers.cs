namespace SlapOS.Master.Compatibility;

/// <summary>slapproxy's identifier shapes, which its users' tests and tools hard-code (slapproxy profile only).</summary>
internal static class SlapproxyIdentifiers
{
    /// <summary>
    /// slapproxy's JSON <c>instance_guid</c>: <c>{title}___{requested_by}___{0|1}</c>, where <c>requested_by</c> is
    /// empty for a root instance and the root's title for any other member of its tree; <see langword="null"/> when
    /// that is not a valid reference (whitespace or a path separator in a title, too long).
    /// </summary>
    public static string? InstanceGuid(string title, string rootTitle, bool shared)
    {
        var candidate = $"{title}___{rootTitle}___{(shared ? 1 : 0)}";
        try
        {
            return SlapReference.Validate(candidate, "instance_guid");
        }
        catch (SlapValidationException)
        {
            return null;
        }
    }
}
