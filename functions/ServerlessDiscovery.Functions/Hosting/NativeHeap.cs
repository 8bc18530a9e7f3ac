using System.Runtime.InteropServices;

namespace ServerlessDiscovery.Functions.Hosting;

/// <summary>
/// glibc's allocator raises its mmap threshold to the largest block freed so far; from then on the large native blocks
/// each OTLP request takes and frees (zlib's compression state is a few hundred KiB) come from per-thread arenas that
/// keep the memory. At 8 concurrent senders that was about 13 MiB of working set (scripts/bench-otlp-load.sh). Fixing
/// the threshold at glibc's default (128 KiB) hands such blocks back to the system when they are freed. Linux with
/// glibc only; elsewhere nothing changes.
/// </summary>
internal static class NativeHeap
{
    /// <summary>M_MMAP_THRESHOLD in glibc's malloc.h.</summary>
    private const int MmapThresholdOption = -3;
    private const int MmapThresholdBytes = 128 * 1024;

    public static void FixMmapThreshold()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = NativeMethods.mallopt(MmapThresholdOption, MmapThresholdBytes);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no such tunable): its allocator is left as it is.
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054, IDE1006 // one blittable call at start-up; named as in libc
        internal static extern int mallopt(int param, int value);
#pragma warning restore SYSLIB1054, IDE1006
    }
}
