namespace Verified.Machine;

/// <summary>The sixteen general-purpose registers, in their x86-64 encoding order.</summary>
public enum Gpr
{
    Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8, R9, R10, R11, R12, R13, R14, R15,
}
