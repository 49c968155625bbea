namespace Verified.Smt;

/// <summary>Z3's error codes (<c>Z3_error_code</c> in z3_api.h), carried by <see cref="Z3Exception"/>.</summary>
public enum Z3ErrorCode
{
    Ok = 0,
    SortError = 1,
    IndexOutOfBounds = 2,
    InvalidArgument = 3,
    ParserError = 4,
    NoParser = 5,
    InvalidPattern = 6,
    MemoryOut = 7,
    FileAccessError = 8,
    InternalFatal = 9,
    InvalidUsage = 10,
    DecRefError = 11,
    Exception = 12,
}
