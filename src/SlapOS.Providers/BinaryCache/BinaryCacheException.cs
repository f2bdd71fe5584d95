namespace SlapOS.Providers.BinaryCache;

/// <summary>The cache answered something unusable (HTTP error, bad JSON, wrong checksum); the node builds instead.</summary>
internal sealed class BinaryCacheException(string message, Exception? innerException = null) : Exception(message, innerException);
