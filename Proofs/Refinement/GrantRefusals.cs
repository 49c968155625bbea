using Verified.Kernel.Abi;

namespace Verified.Proofs.Refinement;

/// <summary>
/// Which kernel refusals of a grant creation agree with the spec's failing checks. The kernel
/// verifies an indirect grant's source as a safecopy would, and reports every failing link check
/// (validity, range, access) as GrantInvalid; grant.create_indirect names them InvalidGrant,
/// InvalidRange and InsufficientRights. A direct grant has no source link, so for
/// grant.create_direct only the plain <see cref="ErrorMap"/> correspondence holds.
/// </summary>
public static class GrantRefusals
{
    public static bool Agree(string operation, KernelError status, IReadOnlyList<string> failing)
    {
        ArgumentNullException.ThrowIfNull(failing);
        var linkCheck = operation == "grant.create_indirect" && status == KernelError.GrantInvalid;
        return failing.Any(e => ErrorMap.Agree(status, e) || (linkCheck && e is "InvalidRange" or "InsufficientRights"));
    }
}
