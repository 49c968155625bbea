/* The root task's entry: rdi = boot-information address, rsp = 16-byte aligned + 8 (as after a
 * call). main(bootinfo)'s return value becomes the exit code. */
    .text
    .globl _start
_start:
    and $-16, %rsp
    call main
    mov %rax, %rdi
    mov $25, %eax        /* VSYS_EXIT; checked against the header by libu/syscall.c */
    syscall
    ud2
    .section .note.GNU-stack,"",@progbits
