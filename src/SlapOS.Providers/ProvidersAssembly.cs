namespace SlapOS.Providers;

/// <summary>Marker of the providers assembly.</summary>
public static class ProvidersAssembly
{
    /// <summary>The name of the providers' <see cref="System.Diagnostics.ActivitySource"/> and meter.</summary>
    public const string TelemetryName = "SlapOS.Providers";
}
