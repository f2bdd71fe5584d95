namespace SlapOS.Master.Federation;

/// <summary><c>software_release_list</c>: a release listed for an external master always goes there (slapproxy's multimaster list).</summary>
internal sealed class SoftwareReleaseListForwardingRule(ExternalMasters masters) : IForwardingRule
{
    public string Name => "software_release_list";

    public string? ExternalMasterFor(AllocationContext context) => masters.ForRelease(context.Request.SoftwareReleaseUrl)?.Url;
}
