namespace SlapOS.Providers.Accounting;

/// <summary>Marks a file sink already registered for a path, so adding it twice is safe while two paths give two sinks.</summary>
internal sealed record AccountingSinkRegistration(string Kind, string Path);
