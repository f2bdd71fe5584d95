namespace SlapOS.Master.Federation;

/// <summary>The one rule for comparing master URLs: a trailing slash does not make another master.</summary>
internal static class ExternalMasterUrl
{
    public static string Normalize(string url) => url.TrimEnd('/');
}
