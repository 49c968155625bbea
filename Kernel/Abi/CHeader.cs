using System.Globalization;
using System.Reflection;
using System.Text;

namespace Verified.Kernel.Abi;

/// <summary>
/// Generates Userland/include/verified/syscall_abi.h from the C# enums, so that C and C# can never
/// drift: the header is derived, and tests/Kernel.Tests fails when the committed copy differs
/// (regenerate with VERIFIED_REGENERATE=1 dotnet test tests/Kernel.Tests).
/// </summary>
public static class CHeader
{
    /// <summary>Path of the generated header relative to the repository root.</summary>
    public const string RelativePath = "Userland/include/verified/syscall_abi.h";

    /// <summary>The full text of the header.</summary>
    public static string Generate()
    {
        var text = new StringBuilder();
        text.Append("/* GENERATED from the enums in Kernel/Abi by Verified.Kernel.Abi.CHeader. Do not edit. */\n");
        text.Append("#ifndef VERIFIED_SYSCALL_ABI_H\n#define VERIFIED_SYSCALL_ABI_H\n\n");
        Enum<SyscallNumber>(text, "VSYS_");
        Enum<KernelError>(text, "VERR_");
        Enum<ObjectType>(text, "VOBJ_");
        Enum<Rights>(text, "VRIGHT_");
        Enum<GrantAccess>(text, "VGRANT_");
        Enum<FaultKind>(text, "VFAULT_");
        text.Append("/* AbiConstants */\n");
        foreach (var field in typeof(AbiConstants).GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken))
        {
            var value = field.GetValue(null) switch
            {
                ulong u => u.ToString(CultureInfo.InvariantCulture) + "ULL",
                int i => i.ToString(CultureInfo.InvariantCulture),
                var other => throw new InvalidOperationException($"AbiConstants.{field.Name} has a type ({other?.GetType()}) the generator does not know; add a case."),
            };
            text.Append(CultureInfo.InvariantCulture, $"#define VABI_{Snake(field.Name)} {value}\n");
        }

        text.Append("\n#endif\n");
        return text.ToString();
    }

    private static void Enum<T>(StringBuilder text, string prefix)
        where T : struct, Enum
    {
        text.Append(CultureInfo.InvariantCulture, $"/* {typeof(T).Name} */\n");
        foreach (var value in System.Enum.GetValues<T>().OrderBy(v => Math.Abs(Convert.ToInt64(v, CultureInfo.InvariantCulture))))
        {
            var number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"#define {prefix}{Snake(value.ToString())} ({number.ToString(CultureInfo.InvariantCulture)}L)\n");
        }

        text.Append('\n');
    }

    /// <summary>CNodeCopy → CNODE_COPY, NBSend → NB_SEND.</summary>
    internal static string Snake(string name)
    {
        name = name.Replace("CNode", "Cnode", StringComparison.Ordinal);
        var text = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var boundary = i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
            if (boundary)
            {
                text.Append('_');
            }

            text.Append(char.ToUpperInvariant(c));
        }

        return text.ToString();
    }
}
