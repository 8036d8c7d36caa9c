// MSBuild inline task (RoslynCodeTaskFactory, Type="Class").
// libLibTorchSharp.so (TorchSharp 0.107) asks for GLIBCXX_3.4.32 while Debian 12 ships 3.4.30.
// The only symbol behind that version is never called, so marking the requirement WEAK in the
// copied .so lets the loader accept it. We patch the copy in the output folder, never the NuGet cache.
using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchGlibcxxWeak : Task
{
    [Required] public string Directory { get; set; } = "";

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        foreach (var path in System.IO.Directory.GetFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            try
            {
                int n = Patch(path);
                if (n > 0) Log.LogMessage(MessageImportance.High, $"PatchGlibcxxWeak: marked {n} GLIBCXX requirement(s) weak in {path}");
            }
            catch (Exception e)
            {
                Log.LogWarning($"PatchGlibcxxWeak: could not patch {path}: {e.Message}");
            }
        }
        return true;
    }

    static int Patch(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[4] != 2 || b[5] != 1) return 0; // ELF64 LE only
        long shoff = BitConverter.ToInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C);
        int patched = 0;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            uint type = BitConverter.ToUInt32(b, (int)sh + 4);
            if (type != 0x6ffffffe) continue; // SHT_GNU_verneed
            long off = BitConverter.ToInt64(b, (int)sh + 0x18);
            uint link = BitConverter.ToUInt32(b, (int)sh + 0x28);
            long strOff = BitConverter.ToInt64(b, (int)(shoff + (long)link * shentsize) + 0x18);
            long vn = off;
            while (true)
            {
                int cnt = BitConverter.ToUInt16(b, (int)vn + 2);
                uint aux = BitConverter.ToUInt32(b, (int)vn + 8), next = BitConverter.ToUInt32(b, (int)vn + 12);
                long va = vn + aux;
                for (int k = 0; k < cnt; k++)
                {
                    int flags = BitConverter.ToUInt16(b, (int)va + 4);
                    uint name = BitConverter.ToUInt32(b, (int)va + 8);
                    string s = ReadString(b, strOff + name);
                    if (NeedsWeak(s) && (flags & 2) == 0)
                    {
                        flags |= 2;
                        b[va + 4] = (byte)flags; b[va + 5] = (byte)(flags >> 8);
                        patched++;
                    }
                    uint vnext = BitConverter.ToUInt32(b, (int)va + 12);
                    if (vnext == 0) break;
                    va += vnext;
                }
                if (next == 0) break;
                vn += next;
            }
        }
        if (patched > 0)
        {
            string tmp = path + ".patching";
            File.WriteAllBytes(tmp, b);
            File.Delete(path);
            File.Move(tmp, path);
        }
        return patched;
    }

    static string ReadString(byte[] b, long at)
    {
        long end = at;
        while (b[end] != 0) end++;
        return System.Text.Encoding.ASCII.GetString(b, (int)at, (int)(end - at));
    }

    // GLIBCXX_3.4.31 and later are newer than Debian 12's libstdc++.
    static bool NeedsWeak(string s)
    {
        if (!s.StartsWith("GLIBCXX_3.4.")) return false;
        return int.TryParse(s.Substring("GLIBCXX_3.4.".Length), out int minor) && minor >= 31;
    }
}
