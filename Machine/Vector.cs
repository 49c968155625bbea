namespace Verified.Machine;

/// <summary>Architectural exception vectors that a user-mode run can exit with.</summary>
public enum Vector : byte
{
    DE = 0, DB = 1, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, GP = 13, PF = 14, MF = 16, AC = 17, XM = 19,
}
