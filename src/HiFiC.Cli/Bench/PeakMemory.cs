namespace HiFiC.Cli.Bench;

/// <summary>
/// Peak resident memory of this process per phase: Linux lets a process reset its high-water mark
/// (VmHWM) by writing 5 to /proc/self/clear_refs, so each phase's peak is measured on its own.
/// </summary>
public static class PeakMemory
{
    public static bool Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>VmHWM in MB, or the runtime's peak working set where /proc is not available.</summary>
    public static double PeakMegabytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:"))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (IOException) { }
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        return p.PeakWorkingSet64 / (1024.0 * 1024.0);
    }

    public static double CurrentMegabytes()
    {
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64 / (1024.0 * 1024.0);
    }
}
