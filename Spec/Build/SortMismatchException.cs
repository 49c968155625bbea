namespace Verified.Spec;

/// <summary>An ill-typed term was being built; the message names the operator and the sorts.</summary>
public sealed class SortMismatchException : ArgumentException
{
    public SortMismatchException(string message) : base(message) { }

    public SortMismatchException() { }

    public SortMismatchException(string message, Exception inner) : base(message, inner) { }
}
