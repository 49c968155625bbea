namespace Verified.Machine;

/// <summary>
/// Thrown inside the executor when an instruction faults; caught by <see cref="Cpu.Run"/> and
/// turned into an <see cref="ExitReason.Exception"/>. Never escapes the Machine library: using an
/// exception keeps the fault-free fast paths free of checks.
/// </summary>
internal sealed class GuestFault : System.Exception
{
    public GuestFault(Vector vector, ulong errorCode, ulong faultAddress)
        : base($"#{vector}")
    {
        Vector = vector;
        ErrorCode = errorCode;
        FaultAddress = faultAddress;
    }

    public GuestFault()
    {
    }

    public GuestFault(string message)
        : base(message)
    {
    }

    public GuestFault(string message, System.Exception innerException)
        : base(message, innerException)
    {
    }

    public Vector Vector { get; }

    public ulong ErrorCode { get; }

    public ulong FaultAddress { get; }
}
