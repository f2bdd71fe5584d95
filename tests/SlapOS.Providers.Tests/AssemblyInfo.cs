[assembly: CollectionBehavior(DisableTestParallelization = false)]

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
