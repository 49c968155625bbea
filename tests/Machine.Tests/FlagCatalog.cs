using Verified.Machine.Tests.Infrastructure;
using static Iced.Intel.AssemblerRegisters;
using static Verified.Machine.Tests.FlagCase;
using static Verified.Machine.Tests.Infrastructure.Flags;

namespace Verified.Machine.Tests;

/// <summary>
/// The flag edge cases, each with its result worked out by hand from the Intel SDM
/// (volume 2, the instruction's "Flags Affected" and "Operation"). PF is the even parity of the
/// result's low byte; AF the carry or borrow out of bit 3.
/// </summary>
public static class FlagCatalog
{
    private const ulong NoAF = Arithmetic & ~AF;
    private const ulong NoOF = Arithmetic & ~OF;
    private const ulong ResultFlags = CF | SF | ZF | PF;
    private const ulong Min64 = 0x8000_0000_0000_0000;
    private const ulong Ones = 0xFFFF_FFFF_FFFF_FFFF;

    public static IReadOnlyList<FlagCase> All { get; } =
    [
        // add / adc / sub / sbb / cmp
        new FlagCase("add al,1 wraps 0xFF to zero", a => a.add(al, 1)).In(Rax, 0xFF).Out(Rax, 0).FlagsAfter(CF | ZF | AF | PF),
        new FlagCase("add al,1 overflows 0x7F", a => a.add(al, 1)).In(Rax, 0x7F).Out(Rax, 0x80).FlagsAfter(OF | SF | AF),
        new FlagCase("add rax,rbx overflows int64 max", a => a.add(rax, rbx)).In(Rax, 0x7FFF_FFFF_FFFF_FFFF).In(Rbx, 1).Out(Rax, Min64).FlagsAfter(OF | SF | AF | PF),
        new FlagCase("sub eax,ebx borrows and zero-extends", a => a.sub(eax, ebx)).In(Rax, 0xFFFF_FFFF_0000_0000).In(Rbx, 1).Out(Rax, 0xFFFF_FFFF).FlagsAfter(CF | SF | AF | PF),
        new FlagCase("cmp al,bl of int8 min and 1 overflows", a => a.cmp(al, bl)).In(Rax, 0x80).In(Rbx, 1).Out(Rax, 0x80).FlagsAfter(OF | AF),
        new FlagCase("adc with carry in wraps to zero", a => a.adc(rax, rbx)).In(Rax, Ones).FlagsBefore(CF).Out(Rax, 0).FlagsAfter(CF | ZF | AF | PF),
        new FlagCase("adc with carry in overflows", a => a.adc(rax, rbx)).In(Rax, 0x7FFF_FFFF_FFFF_FFFF).FlagsBefore(CF).Out(Rax, Min64).FlagsAfter(OF | SF | AF | PF),
        new FlagCase("adc without carry in adds nothing", a => a.adc(rax, rbx)).In(Rax, Ones).Out(Rax, Ones).FlagsAfter(SF | PF),
        new FlagCase("sbb with borrow in from zero", a => a.sbb(rax, rbx)).FlagsBefore(CF).Out(Rax, Ones).FlagsAfter(CF | SF | AF | PF),
        new FlagCase("sbb eax,ebx of equal operands with borrow in", a => a.sbb(eax, ebx)).In(Rax, 5).In(Rbx, 5).FlagsBefore(CF).Out(Rax, 0xFFFF_FFFF).FlagsAfter(CF | SF | AF | PF),
        new FlagCase("cmc complements CF only", a => a.cmc()).FlagsBefore(CF | ZF).FlagsAfter(ZF),

        // inc / dec / neg
        new FlagCase("inc wraps to zero and keeps CF set", a => a.inc(rax)).In(Rax, Ones).FlagsBefore(CF).Out(Rax, 0).FlagsAfter(CF | ZF | AF | PF),
        new FlagCase("inc overflows and keeps CF clear", a => a.inc(rax)).In(Rax, 0x7FFF_FFFF_FFFF_FFFF).Out(Rax, Min64).FlagsAfter(OF | SF | AF | PF),
        new FlagCase("dec of int64 min overflows and keeps CF", a => a.dec(rax)).In(Rax, Min64).FlagsBefore(CF).Out(Rax, 0x7FFF_FFFF_FFFF_FFFF).FlagsAfter(OF | AF | PF | CF),
        new FlagCase("neg of zero clears CF", a => a.neg(rax)).FlagsBefore(CF).Out(Rax, 0).FlagsAfter(ZF | PF),
        new FlagCase("neg of int64 min overflows", a => a.neg(rax)).In(Rax, Min64).Out(Rax, Min64).FlagsAfter(CF | OF | SF | PF),
        new FlagCase("neg of one", a => a.neg(rax)).In(Rax, 1).Out(Rax, Ones).FlagsAfter(CF | SF | AF | PF),

        // shifts: a masked count of 0 changes no flag; OF only for a count of 1; AF undefined
        new FlagCase("shl by 0 changes no flag", a => a.shl(rax, 0)).In(Rax, 0x1234).FlagsBefore(Arithmetic).Out(Rax, 0x1234).FlagsAfter(Arithmetic),
        new FlagCase("shl rax,cl with cl=64 is masked to 0", a => a.shl(rax, cl)).In(Rax, 0x1234).In(Rcx, 64).FlagsBefore(CF | ZF).Out(Rax, 0x1234).FlagsAfter(CF | ZF),
        new FlagCase("shl rax,65 is masked to 1", a => a.shl(rax, 65)).In(Rax, 0xC000_0000_0000_0000).Out(Rax, Min64).FlagsAfter(CF | SF | PF, NoAF),
        new FlagCase("shl rax,1 into the sign overflows", a => a.shl(rax, 1)).In(Rax, 0x4000_0000_0000_0000).Out(Rax, Min64).FlagsAfter(OF | SF | PF, NoAF),
        new FlagCase("shr rax,1 sets OF to the old sign", a => a.shr(rax, 1)).In(Rax, 0x8000_0000_0000_0001).Out(Rax, 0x4000_0000_0000_0000).FlagsAfter(CF | OF | PF, NoAF),
        new FlagCase("shr rax,63 keeps only the sign bit", a => a.shr(rax, 63)).In(Rax, Min64).Out(Rax, 1).FlagsAfter(0, ResultFlags),
        new FlagCase("sar rax,63 smears the sign", a => a.sar(rax, 63)).In(Rax, Min64).Out(Rax, Ones).FlagsAfter(SF | PF, ResultFlags),
        new FlagCase("sar al,1 clears OF", a => a.sar(al, 1)).In(Rax, 0x81).Out(Rax, 0xC0).FlagsAfter(CF | SF | PF, NoAF),
        new FlagCase("shl al,9 shifts every bit out", a => a.shl(al, 9)).In(Rax, 0xFF).Out(Rax, 0).FlagsAfter(ZF | PF, SF | ZF | PF),
        new FlagCase("shr ax,16 gives zero", a => a.shr(ax, 16)).In(Rax, 0xFFFF).Out(Rax, 0).FlagsAfter(ZF | PF, SF | ZF | PF),
        new FlagCase("sar al,31 smears the sign", a => a.sar(al, 31)).In(Rax, 0x80).Out(Rax, 0xFF).FlagsAfter(SF | PF, SF | ZF | PF),
        new FlagCase("shl eax,cl with cl=0 (the host decides the upper half)", a => a.shl(eax, cl)).In(Rax, 0xFFFF_FFFF_0000_0001).FlagsBefore(OF | CF).FlagsAfter(OF | CF),
        new FlagCase("shl eax,cl with cl=32 is masked to 0", a => a.shl(eax, cl)).In(Rax, 0xFFFF_FFFF_0000_0001).In(Rcx, 32).FlagsBefore(SF).FlagsAfter(SF),

        // rotates: CF and (count 1) OF only; rcl/rcr go through CF; 8/16-bit rcl/rcr rotate modulo 9/17
        new FlagCase("rol al,1 sets CF and OF", a => a.rol(al, 1)).In(Rax, 0x80).FlagsBefore(ZF).Out(Rax, 0x01).FlagsAfter(CF | OF | ZF),
        new FlagCase("ror al,1 sets CF and OF", a => a.ror(al, 1)).In(Rax, 0x01).Out(Rax, 0x80).FlagsAfter(CF | OF),
        new FlagCase("rol al,8 leaves the byte and sets CF from bit 0", a => a.rol(al, 8)).In(Rax, 0x81).Out(Rax, 0x81).FlagsAfter(CF, NoOF),
        new FlagCase("rcl al,1 shifts CF in and the sign out", a => a.rcl(al, 1)).In(Rax, 0x80).Out(Rax, 0).FlagsAfter(CF | OF),
        new FlagCase("rcr al,1 shifts CF in at the top", a => a.rcr(al, 1)).In(Rax, 0x01).FlagsBefore(CF).Out(Rax, 0x80).FlagsAfter(CF | OF),
        new FlagCase("rcl al,9 is the identity on nine bits", a => a.rcl(al, 9)).In(Rax, 0x5A).FlagsBefore(CF).Out(Rax, 0x5A).FlagsAfter(CF, NoOF),
        new FlagCase("rcr ax,17 is the identity on seventeen bits", a => a.rcr(ax, 17)).In(Rax, 0x1234).Out(Rax, 0x1234).FlagsAfter(0, NoOF),
        new FlagCase("rcl al,cl with cl=10 rotates by one", a => a.rcl(al, cl)).In(Rax, 0x80).In(Rcx, 10).Out(Rax, 0x00).FlagsAfter(CF, NoOF),
        new FlagCase("rcl rax,1 with carry in", a => a.rcl(rax, 1)).In(Rax, Min64).FlagsBefore(CF).Out(Rax, 1).FlagsAfter(CF | OF),
        new FlagCase("rcr rax,64 is masked to 0", a => a.rcr(rax, 64)).In(Rax, 5).FlagsBefore(CF | SF).Out(Rax, 5).FlagsAfter(CF | SF),
        new FlagCase("shld eax,ebx,4", a => a.shld(eax, ebx, 4)).In(Rax, 0x1234_5678).In(Rbx, 0x9ABC_DEF0).Out(Rax, 0x2345_6789).FlagsAfter(CF, ResultFlags),
        new FlagCase("shrd rax,rbx,1 overflows", a => a.shrd(rax, rbx, 1)).In(Rax, 1).In(Rbx, 1).Out(Rax, Min64).FlagsAfter(CF | OF | SF | PF, NoAF),

        // bit tests and scans
        new FlagCase("bt rax,rbx takes the offset modulo 64 and keeps ZF", a => a.bt(rax, rbx)).In(Rax, 2).In(Rbx, 65).FlagsBefore(ZF).FlagsAfter(CF | ZF, CF | ZF),
        new FlagCase("bts reports the old bit", a => { a.bts(rax, 63); a.bts(rax, 63); }).Out(Rax, Min64).FlagsAfter(CF, CF),
        new FlagCase("btr ax,15", a => a.btr(ax, 15)).In(Rax, 0xFFFF).Out(Rax, 0x7FFF).FlagsAfter(CF, CF),
        new FlagCase("btc eax,0 zero-extends", a => a.btc(eax, 0)).In(Rax, 0xFFFF_FFFF_0000_0000).Out(Rax, 1).FlagsAfter(0, CF),
        new FlagCase("bsf of zero sets ZF", a => a.bsf(rax, rbx)).FlagsAfter(ZF, ZF),
        new FlagCase("bsf finds the lowest set bit", a => a.bsf(rax, rbx)).In(Rbx, 8).Out(Rax, 3).FlagsAfter(0, ZF),
        new FlagCase("bsr finds the highest set bit", a => a.bsr(rax, rbx)).In(Rbx, 0x8000_0000_0000_0001).Out(Rax, 63).FlagsAfter(0, ZF),
        new FlagCase("tzcnt of zero is the operand size", a => a.tzcnt(rax, rbx)).Out(Rax, 64).FlagsAfter(CF, CF | ZF),
        new FlagCase("tzcnt of one is zero", a => a.tzcnt(rax, rbx)).In(Rbx, 1).Out(Rax, 0).FlagsAfter(ZF, CF | ZF),
        new FlagCase("lzcnt eax of one", a => a.lzcnt(eax, ebx)).In(Rbx, 1).Out(Rax, 31).FlagsAfter(0, CF | ZF),
        new FlagCase("lzcnt eax of zero", a => a.lzcnt(eax, ebx)).In(Rax, Ones).Out(Rax, 32).FlagsAfter(CF, CF | ZF),
        new FlagCase("popcnt of zero sets ZF", a => a.popcnt(rax, rbx)).FlagsBefore(CF | OF).Out(Rax, 0).FlagsAfter(ZF),
        new FlagCase("popcnt clears the other flags", a => a.popcnt(rax, rbx)).In(Rbx, 0xFF).FlagsBefore(Arithmetic).Out(Rax, 8).FlagsAfter(0),

        // mul / imul: CF = OF = the high half is significant
        new FlagCase("mul overflows into rdx", a => a.mul(rbx)).In(Rax, Ones).In(Rbx, 2).Out(Rax, 0xFFFF_FFFF_FFFF_FFFE).Out(Rdx, 1).FlagsAfter(CF | OF, CF | OF),
        new FlagCase("mul fits in rax", a => a.mul(rbx)).In(Rax, 3).In(Rbx, 5).In(Rdx, 77).Out(Rax, 15).Out(Rdx, 0).FlagsAfter(0, CF | OF),
        new FlagCase("mul bl writes ax", a => a.mul(bl)).In(Rax, 0x80).In(Rbx, 2).Out(Rax, 0x100).FlagsAfter(CF | OF, CF | OF),
        new FlagCase("imul rax,rbx overflows", a => a.imul(rax, rbx)).In(Rax, 0x4000_0000_0000_0000).In(Rbx, 2).Out(Rax, Min64).FlagsAfter(CF | OF, CF | OF),
        new FlagCase("imul rax,rbx,-1 of int64 min overflows", a => a.imul(rax, rbx, -1)).In(Rbx, Min64).Out(Rax, Min64).FlagsAfter(CF | OF, CF | OF),
        new FlagCase("imul bl: -128 fits", a => a.imul(bl)).In(Rax, 0x80).In(Rbx, 1).Out(Rax, 0xFF80).FlagsAfter(0, CF | OF),
        new FlagCase("imul bl: 128 does not fit", a => a.imul(bl)).In(Rax, 0x40).In(Rbx, 2).Out(Rax, 0x0080).FlagsAfter(CF | OF, CF | OF),
        new FlagCase("imul rbx: negative product", a => a.imul(rbx)).In(Rax, unchecked((ulong)-3L)).In(Rbx, 5).Out(Rax, unchecked((ulong)-15L)).Out(Rdx, Ones).FlagsAfter(0, CF | OF),

        // div / idiv: every flag undefined; #DE on a zero divisor or a quotient that does not fit
        new FlagCase("div rbx", a => a.div(rbx)).In(Rax, 100).In(Rbx, 7).Out(Rax, 14).Out(Rdx, 2).Defined(0),
        new FlagCase("div rbx of a 128-bit dividend", a => a.div(rbx)).In(Rdx, 1).In(Rbx, 2).Out(Rax, Min64).Out(Rdx, 0).Defined(0),
        new FlagCase("idiv truncates toward zero", a => a.idiv(rbx)).In(Rax, unchecked((ulong)-7L)).In(Rdx, Ones).In(Rbx, 2).Out(Rax, unchecked((ulong)-3L)).Out(Rdx, Ones).Defined(0),
        new FlagCase("idiv bl", a => a.idiv(bl)).In(Rax, 0xFFF9).In(Rbx, 2).Out(Rax, 0xFFFD).Defined(0),
        new FlagCase("div by zero raises #DE", a => { a.nop(); a.div(rbx); }).In(Rax, 1).Out(Rax, 1).Out(Rdx, 0).Defined(0).Faults(StopKind.DivideError),
        new FlagCase("div with a quotient too wide raises #DE", a => a.div(rbx)).In(Rdx, 5).In(Rbx, 5).Out(Rdx, 5).Out(Rax, 0).Defined(0).Faults(StopKind.DivideError),
        new FlagCase("idiv of int64 min by -1 raises #DE", a => a.idiv(rbx)).In(Rax, Min64).In(Rdx, Ones).In(Rbx, Ones).Out(Rax, Min64).Defined(0).Faults(StopKind.DivideError),
        new FlagCase("idiv bl of 128 by 1 raises #DE", a => a.idiv(bl)).In(Rax, 0x80).In(Rbx, 1).Out(Rax, 0x80).Defined(0).Faults(StopKind.DivideError),
        new FlagCase("div ecx by zero raises #DE", a => { a.add(eax, 1); a.div(ecx); }).Out(Rax, 1).Defined(0).Faults(StopKind.DivideError),

        // conditional moves and sets, widths
        new FlagCase("cmovz eax with a false condition still zero-extends", a => a.cmovz(eax, ebx)).In(Rax, Ones).In(Rbx, 0x1234).Out(Rax, 0xFFFF_FFFF).FlagsAfter(0),
        new FlagCase("cmovnz eax moves", a => a.cmovnz(eax, ebx)).In(Rax, Ones).In(Rbx, 0x1234).Out(Rax, 0x1234).FlagsAfter(0),
        new FlagCase("setl and setg read SF, OF and ZF", a => { a.setl(al); a.setg(bl); }).In(Rax, 0xFFFF_FFFF_FFFF_FF00).In(Rbx, 0xFF).FlagsBefore(SF).Out(Rax, 0xFFFF_FFFF_FFFF_FF01).Out(Rbx, 0).FlagsAfter(SF),
        new FlagCase("add eax,0 zero-extends", a => a.add(eax, 0)).In(Rax, 0xFFFF_FFFF_0000_0001).Out(Rax, 1).FlagsAfter(0),
        new FlagCase("add ax,1 keeps the upper bits", a => a.add(ax, 1)).In(Rax, Ones).Out(Rax, 0xFFFF_FFFF_FFFF_0000).FlagsAfter(CF | ZF | AF | PF),
        new FlagCase("add ah,bl overflows the high byte", a => a.add(ah, bl)).In(Rax, 0x7F00).In(Rbx, 1).Out(Rax, 0x8000).FlagsAfter(OF | SF | AF),
        new FlagCase("cbw, cwde, cdqe, cqo sign-extend", a => { a.cbw(); a.cwde(); a.cdqe(); a.cqo(); }).In(Rax, 0x80).Out(Rax, 0xFFFF_FFFF_FFFF_FF80).Out(Rdx, Ones).FlagsAfter(0),
        new FlagCase("cwd writes dx only", a => a.cwd()).In(Rax, 0x8000).In(Rdx, 0x1234_0000_0000_0000).Out(Rdx, 0x1234_0000_0000_FFFF).FlagsAfter(0),
        new FlagCase("cdq zero-extends into rdx", a => a.cdq()).In(Rax, 0x8000_0000).In(Rdx, 0x1234_0000_0000_0000).Out(Rdx, 0xFFFF_FFFF).FlagsAfter(0),
        new FlagCase("movsx, movzx and movsxd", a => { a.movsx(rax, bl); a.movzx(ecx, bl); a.movsxd(rdx, esi); }).In(Rbx, 0x80).In(Rcx, Ones).In(Rsi, 0x8000_0000).Out(Rax, 0xFFFF_FFFF_FFFF_FF80).Out(Rcx, 0x80).Out(Rdx, 0xFFFF_FFFF_8000_0000).FlagsAfter(0),
        new FlagCase("xadd adds and exchanges", a => a.xadd(rax, rbx)).In(Rax, 1).In(Rbx, 2).Out(Rax, 3).Out(Rbx, 1).FlagsAfter(PF),
        new FlagCase("cmpxchg succeeds", a => a.cmpxchg(rbx, rcx)).In(Rax, 5).In(Rbx, 5).In(Rcx, 9).Out(Rax, 5).Out(Rbx, 9).FlagsAfter(ZF | PF),
        new FlagCase("cmpxchg fails and loads the accumulator", a => a.cmpxchg(rbx, rcx)).In(Rax, 5).In(Rbx, 7).In(Rcx, 9).Out(Rax, 7).Out(Rbx, 7).FlagsAfter(CF | SF | AF),
        new FlagCase("cmpxchg ebx succeeds (the host decides rax's upper half)", a => a.cmpxchg(ebx, ecx)).In(Rax, 0xFFFF_FFFF_0000_0005).In(Rbx, 5).In(Rcx, 9).Out(Rbx, 9).FlagsAfter(ZF | PF),
        new FlagCase("cmpxchg ebx,ecx that fails leaves rbx whole", a => a.cmpxchg(ebx, ecx)).In(Rax, 0).In(Rbx, 0xFFFF_FFFF_0000_0001).In(Rcx, 9).Out(Rax, 1).Out(Rbx, 0xFFFF_FFFF_0000_0001).FlagsAfter(CF | SF | AF | PF),
        new FlagCase("xchg eax,ebx zero-extends both", a => a.xchg(eax, ebx)).In(Rax, 0xFFFF_FFFF_0000_0001).In(Rbx, 0xFFFF_FFFF_0000_0002).Out(Rax, 2).Out(Rbx, 1).FlagsAfter(0),
        new FlagCase("bswap rax and eax", a => { a.bswap(rax); a.bswap(ebx); }).In(Rax, 0x0123_4567_89AB_CDEF).In(Rbx, 0xFFFF_FFFF_1122_3344).Out(Rax, 0xEFCD_AB89_6745_2301).Out(Rbx, 0x4433_2211).FlagsAfter(0),

        // the stack
        new FlagCase("push rsp pushes the old value", a => { a.push(rsp); a.pop(rax); }).Out(Rax, GuestLayout.StackTop).Out(Rsp, GuestLayout.StackTop).FlagsAfter(0),
        new FlagCase("pop [rsp] addresses after the increment", a => { a.push(rax); a.push(0x22); a.pop(__qword_ptr[rsp]); a.pop(rbx); }).In(Rax, 0x1111).Out(Rbx, 0x22).Out(Rsp, GuestLayout.StackTop).FlagsAfter(0),

        // self-modifying code: the second call must run the rewritten routine, not a stale translation
        new FlagCase("a store over code that already ran is seen by the next call", a =>
        {
            const ulong slot = GuestLayout.CodeAddress + 0xF00;
            a.mov(__dword_ptr[slot], 0x90C3_01B0u);   // mov al, 1; ret; nop
            a.mov(rcx, slot);
            a.call(rcx);
            a.mov(bl, al);
            a.mov(__dword_ptr[slot], 0x90C3_02B0u);   // mov al, 2; ret; nop
            a.call(rcx);
        }).Out(Rax, 2).Out(Rbx, 1).FlagsAfter(0),

        // exceptions: precise, registers as before the faulting instruction
        new FlagCase("int3 raises #BP after itself", a => { a.inc(rax); a.int3(); }).Out(Rax, 1).FlagsAfter(0, CF).Faults(StopKind.Breakpoint),
        new FlagCase("ud2 raises #UD", a => { a.inc(rax); a.ud2(); }).Out(Rax, 1).FlagsAfter(0, CF).Faults(StopKind.InvalidOpcode),
        new FlagCase("hlt raises #GP in user mode", a => { a.inc(rax); a.hlt(); }).Out(Rax, 1).FlagsAfter(0, CF).Faults(StopKind.GeneralProtection),
        new FlagCase("ret to a non-canonical address raises #GP at the ret", a => { a.push(rax); a.ret(); }).In(Rax, 0x0001_0000_6100_0000).Out(Rsp, GuestLayout.StackTop - 8).FlagsAfter(0, CF).Faults(StopKind.GeneralProtection),
        new FlagCase("jmp to a non-canonical address raises #GP at the jmp", a => { a.inc(rbx); a.jmp(rax); }).In(Rax, 0x8000_0000_6100_0000).Out(Rbx, 1).FlagsAfter(0, CF).Faults(StopKind.GeneralProtection),
        new FlagCase("call to a non-canonical address raises #GP before pushing", a => { a.inc(rbx); a.call(rax); }).In(Rax, 0x8000_0000_6100_0000).Out(Rbx, 1).Out(Rsp, GuestLayout.StackTop).FlagsAfter(0, CF).Faults(StopKind.GeneralProtection),
        new FlagCase("a store to an unmapped page faults without writing", a => { a.inc(rax); a.mov(__qword_ptr[0x1000], rax); }).Out(Rax, 1).FlagsAfter(0, CF).FaultsOn(0x1000),
        new FlagCase("a store straddling into an unmapped page writes nothing and reports that page", a => a.mov(__qword_ptr[GuestLayout.DataAddress + 0x1FFC], rax))
            .In(Rax, Ones).FlagsAfter(0, CF).FaultsOn(GuestLayout.DataAddress + 0x2000),
    ];
}
