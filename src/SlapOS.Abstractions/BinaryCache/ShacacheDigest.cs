namespace SlapOS;

/// <summary>
/// How shacache names content: the lower-case hex SHA-512 of its bytes (128 characters), as
/// slapos.libnetworkcache computes it and as the cache answers an upload.
/// </summary>
public static class ShacacheDigest
{
    /// <summary>The length of a digest in hex characters.</summary>
    public const int Length = 128;

    /// <summary>Whether <paramref name="value"/> is a lower-case hex SHA-512 (what shacache accepts in a path).</summary>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != Length)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
