using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SlapOS.Master.Compatibility;

/// <summary>The API's one place to ask whether the slapproxy profile is in effect, and its lenient rules.</summary>
internal static class SlapproxyProfile
{
    /// <summary>Whether this request is served in the slapproxy profile.</summary>
    public static bool IsOn(HttpContext context) => Options(context).IsSlapproxy();

    /// <summary>slapproxy's configured computer.</summary>
    public static string DefaultComputer(HttpContext context) => Options(context).Compatibility.DefaultComputer;

    /// <summary>A software release identifier: a URL or absolute path, or any text in the slapproxy profile.</summary>
    public static string SoftwareRelease(HttpContext context, string? value, string field) =>
        SlapReference.ValidateSoftwareRelease(value, field, IsOn(context));

    /// <summary>A partition reference: no whitespace, or, in the slapproxy profile (any string there), plain spaces inside.</summary>
    public static string PartitionReference(HttpContext context, string? value, string field) =>
        SlapReference.ValidatePartitionReference(value, field, IsOn(context));

    private static SlapOSMasterOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<SlapOSMasterOptions>>().CurrentValue;
}
