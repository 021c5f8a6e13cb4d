/* Tests only, never shipped: Wine 8 (Debian 12) has no bcryptprimitives.dll,
 * whose ProcessPrng Rust's standard library calls for random bytes on
 * Windows 10 and later (which have it). This stand-in, put beside the .exe
 * under Wine, answers from advapi32's RtlGenRandom (SystemFunction036). */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
