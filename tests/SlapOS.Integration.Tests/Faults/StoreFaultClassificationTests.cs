using Microsoft.Data.Sqlite;

namespace SlapOS.Integration.Tests.Faults;

/// <summary>
/// The one rule that says which store errors are an outage (503 with Retry-After) rather than a bug, on the
/// exceptions SQLite's client library really throws: its <c>ErrorCode</c> is not the SQLite code, so the rule must
/// read <c>SqliteErrorCode</c> (busy, locked and full were answered 500 while it read <c>ErrorCode</c>).
/// </summary>
public sealed class StoreFaultClassificationTests
{
    [Theory]
    [InlineData(5, true, false)] // SQLITE_BUSY
    [InlineData(6, true, false)] // SQLITE_LOCKED
    [InlineData(13, true, true)] // SQLITE_FULL
    [InlineData(19, false, false)] // SQLITE_CONSTRAINT: a bug or a conflict, not an outage
    [InlineData(1, false, false)] // SQLITE_ERROR
    public void Sqlite_result_codes_are_classified_by_their_SQLite_code(int code, bool lost, bool full)
    {
        var error = new SqliteException($"SQLite Error {code}", code, code);
        Assert.NotEqual(code, error.ErrorCode); // what the rule must not read
        Assert.Equal(lost, StoreUnavailability.IsUnavailable(error));
        Assert.Equal(full, StoreUnavailability.IsFull(error));
        Assert.Equal(lost, StoreUnavailability.IsUnavailable(new InvalidOperationException("wrapped", error)));
    }

    [Theory]
    [InlineData(28, true)] // ENOSPC
    [InlineData(122, true)] // EDQUOT
    [InlineData(5, false)] // EIO
    public void A_file_write_refused_for_space_is_a_full_store(int errno, bool full)
    {
        var error = new IOException("write failed", errno);
        Assert.Equal(full, StoreUnavailability.IsFull(error));
        Assert.Equal(full, StoreUnavailability.IsUnavailable(error));
    }
}
