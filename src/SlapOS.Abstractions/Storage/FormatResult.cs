namespace SlapOS;

/// <summary>What applying a format upload changed.</summary>
/// <param name="Added">Partitions that were new.</param>
/// <param name="Updated">Partitions whose addresses or tap changed.</param>
/// <param name="Removed">Free partitions missing from the upload, removed.</param>
/// <param name="KeptBusy">Partitions missing from the upload but kept because they hold an instance.</param>
public sealed record FormatResult(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> KeptBusy);
