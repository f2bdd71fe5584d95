namespace SlapOS;

/// <summary>
/// The one spelling of a serial number everywhere (store, CRL, handshake, API): lower-case hex without
/// leading zeros, "0" for zero. .NET prints serials with leading zeros and upper case; BouncyCastle without.
/// </summary>
public static class CertificateSerialNumber
{
    /// <summary>The longest serial accepted (RFC 5280 allows 20 octets; a little more for leading zeros).</summary>
    public const int MaxLength = 64;

    /// <summary>The canonical form of <paramref name="serialNumber"/>, or a validation error naming <paramref name="field"/>.</summary>
    public static string Normalize(string? serialNumber, string field = "serial_number")
    {
        if (string.IsNullOrEmpty(serialNumber) || serialNumber.Length > MaxLength || !serialNumber.All(Uri.IsHexDigit))
        {
            throw new SlapValidationException(field, "must be a hexadecimal serial number (1 to 64 digits)");
        }

        var trimmed = serialNumber.TrimStart('0').ToLowerInvariant();
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    /// <summary>Whether <paramref name="serialNumber"/> is hex of a valid length (without throwing).</summary>
    public static bool IsValid(string? serialNumber) =>
        !string.IsNullOrEmpty(serialNumber) && serialNumber.Length <= MaxLength && serialNumber.All(Uri.IsHexDigit);
}
