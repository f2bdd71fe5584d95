using System.Globalization;

namespace SlapOS;

/// <summary>
/// Validation of every reference and URL that can reach a file path, a process name or a
/// query: computer and partition references, instance titles, software types, release URLs.
/// Each check throws <see cref="SlapValidationException"/> naming the field.
/// </summary>
public static class SlapReference
{
    /// <summary>The longest reference accepted (computer, partition, instance reference).</summary>
    public const int MaxReferenceLength = 255;

    /// <summary>The longest title accepted.</summary>
    public const int MaxTitleLength = 1024;

    /// <summary>The longest software release URL accepted.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>
    /// Checks a reference that may become a directory, user or process-group name:
    /// not empty, at most <paramref name="maxLength"/> characters, no control characters,
    /// no whitespace, no path separator, not <c>.</c> or <c>..</c>.
    /// </summary>
    /// <returns>The value, for chaining.</returns>
    public static string Validate(string? value, string field, int maxLength = MaxReferenceLength) =>
        Validate(value, field, maxLength, allowSpace: false);

    /// <summary>
    /// Checks a partition reference as <see cref="Validate(string?, string, int)"/> does, except that with
    /// <paramref name="allowSpace"/> (slapproxy takes any string) a plain space (U+0020) is accepted; every other
    /// whitespace, path separators and <c>..</c> stay refused.
    /// </summary>
    /// <returns>The value, for chaining.</returns>
    public static string ValidatePartitionReference(string? value, string field, bool allowSpace) =>
        Validate(value, field, MaxReferenceLength, allowSpace);

    private static string Validate(string? value, string field, int maxLength, bool allowSpace)
    {
        RequireText(value, field, maxLength);
        if (allowSpace && (value[0] == ' ' || value[^1] == ' '))
        {
            throw new SlapValidationException(field, "must not begin or end with a space");
        }

        foreach (var c in value)
        {
            if (c is '/' or '\\')
            {
                throw new SlapValidationException(field, "must not contain a path separator");
            }

            if (char.IsWhiteSpace(c) && !(allowSpace && c == ' '))
            {
                throw new SlapValidationException(field, "must not contain whitespace");
            }
        }

        if (value is "." or ".." || value.Contains("..", StringComparison.Ordinal))
        {
            throw new SlapValidationException(field, "must not contain '..'");
        }

        return value;
    }

    /// <summary>
    /// Checks a free-text title (instance title, computer title): not empty, bounded,
    /// no control characters. Titles never reach a path directly.
    /// </summary>
    /// <returns>The value, for chaining.</returns>
    public static string ValidateTitle(string? value, string field, int maxLength = MaxTitleLength)
    {
        RequireText(value, field, maxLength);
        return value;
    }

    /// <summary>
    /// Checks a software release URL: an absolute <c>http</c>, <c>https</c> or <c>file</c> URL
    /// (or an absolute path, as SlapOS allows), bounded, without control characters or <c>..</c> segments.
    /// </summary>
    /// <returns>The value, for chaining.</returns>
    public static string ValidateSoftwareReleaseUrl(string? value, string field = "software_release")
    {
        RequireText(value, field, MaxUrlLength);
        if (value.Any(char.IsWhiteSpace))
        {
            throw new SlapValidationException(field, "must not contain whitespace");
        }

        var isPath = value.StartsWith('/');
        if (!isPath)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https" or "file"))
            {
                throw new SlapValidationException(field, "must be an absolute http, https or file URL, or an absolute path");
            }
        }

        var path = isPath ? value : value[(value.IndexOf("//", StringComparison.Ordinal) + 2)..];
        if (path.Split('/', '\\').Any(segment => segment == ".." || Uri.UnescapeDataString(segment) == ".."))
        {
            throw new SlapValidationException(field, "must not contain '..' segments");
        }

        return value;
    }

    /// <summary>
    /// Checks a software release identifier: a URL or absolute path (<see cref="ValidateSoftwareReleaseUrl"/>), or,
    /// with <paramref name="anyText"/> (slapproxy accepts any string), any bounded text without control characters.
    /// A node only ever uses the identifier's hash as a directory name.
    /// </summary>
    /// <returns>The value, for chaining.</returns>
    public static string ValidateSoftwareRelease(string? value, string field, bool anyText)
    {
        if (!anyText)
        {
            return ValidateSoftwareReleaseUrl(value, field);
        }

        RequireText(value, field, MaxUrlLength);
        return value;
    }

    /// <summary>
    /// Checks a parameter or SLA dictionary: bounded count, bounded key and value sizes,
    /// keys without control characters.
    /// </summary>
    public static void ValidateParameters(IReadOnlyDictionary<string, string>? parameters, string field, int maxTotalBytes = 1 << 20)
    {
        if (parameters is null)
        {
            return;
        }

        if (parameters.Count > 10_000)
        {
            throw new SlapValidationException(field, "has more than 10000 entries");
        }

        long total = 0;
        foreach (var (key, value) in parameters)
        {
            RequireText(key, $"{field} key", MaxReferenceLength);
            if (value is null)
            {
                throw new SlapValidationException(field, string.Create(CultureInfo.InvariantCulture, $"value of '{key}' must not be null"));
            }

            total += key.Length + value.Length;
            if (total > maxTotalBytes)
            {
                throw new SlapValidationException(field, string.Create(CultureInfo.InvariantCulture, $"is larger than {maxTotalBytes} characters"));
            }
        }
    }

    private static void RequireText([System.Diagnostics.CodeAnalysis.NotNull] string? value, string field, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new SlapValidationException(field, "must not be empty");
        }

        if (value.Length > maxLength)
        {
            throw new SlapValidationException(field, string.Create(CultureInfo.InvariantCulture, $"is {value.Length} characters long; the limit is {maxLength}"));
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new SlapValidationException(field, "must not contain control characters");
            }
        }
    }
}
