using System.Runtime.InteropServices;

namespace Steward.Policy;

/// <summary>
/// What kind of file a path names, without opening it: opening a named pipe blocks until someone writes to it, and a
/// device can be endless. .NET tells files from folders only, so on Linux this asks the kernel (statx).
/// </summary>
internal static class FileType
{
    /// <summary>"a named pipe (FIFO)", "a character device", ... for a path that is not a regular file; null for a regular file or when it cannot tell.</summary>
    public static string? DescribeIfSpecial(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = new byte[StatxSize];
        try
        {
            if (Statx(AtFdCwd, System.Text.Encoding.UTF8.GetBytes(path + "\0"), 0, StatxType, buffer) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // a C library without statx (glibc before 2.28): the empty-file rule still keeps such files unopened
        }
        return (BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000) switch
        {
            0x8000 or 0x4000 => null, // regular file, folder (folders are told apart by .NET already)
            0x1000 => "a named pipe (FIFO)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "a special file",
        };
    }

    // struct statx (linux/stat.h) has the same layout on every architecture, unlike struct stat: stx_mode is the u16 at byte 28.
    private const int StatxSize = 256;
    private const int ModeOffset = 28;
    private const uint StatxType = 0x1;
    private const int AtFdCwd = -100;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, byte[] nulTerminatedUtf8Path, int flags, uint mask, [Out] byte[] buffer);
}
