namespace SlapOS.Wire;

/// <summary>
/// A marshal document is malformed, hostile (DTD, entity, unknown class, too deep, too large) or a
/// value cannot be marshalled. Always <see cref="SlapErrorKind.Validation"/>: the master answers 400.
/// </summary>
public sealed class SlapMarshalException(string message, Exception? innerException = null)
    : SlapException(SlapErrorKind.Validation, "marshal: " + message, innerException);
