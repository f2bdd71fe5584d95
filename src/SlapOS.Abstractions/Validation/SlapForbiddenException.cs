namespace SlapOS;

/// <summary>The caller's identity does not allow the operation; nothing was changed.</summary>
public sealed class SlapForbiddenException(string message) : SlapException(SlapErrorKind.Forbidden, message);
