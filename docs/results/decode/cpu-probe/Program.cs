// In-process decode cost of one hific build, for old-vs-new comparisons on a loaded machine: each file is
// decoded once to warm up, then --repeat times; reported per file are the best process CPU time (user + sys
// of all threads; other processes' load hardly moves it) and the best wall time of HificDecoder.Decompress,
// and the same for writing the PNG. Build against a tree's src/HiFiC.Codec (see README.md).
// Usage: cpuprobe THREADS REPEAT MODEL_DIR FILE.hific...
using System.Diagnostics;
using HiFiC.Codec.Coding;
using HiFiC.Codec.Models;
using static TorchSharp.torch;
#if OLD
using HiFiC.Codec.Model;
#else
using HiFiC.Codec.Networks;
#endif

int threads = int.Parse(args[0]), repeat = int.Parse(args[1]);
TorchRuntime.Configure(threads);
var codec = CodecModel.Load(args[2]);
var decoder = new HificDecoder(codec);
var proc = Process.GetCurrentProcess();
double Cpu() { proc.Refresh(); return proc.TotalProcessorTime.TotalMilliseconds; }
(double Cpu, double Wall) Best(Action a)
{
    a();
    double cpu = double.MaxValue, wall = double.MaxValue;
    for (int i = 0; i < repeat; i++)
    {
        double c0 = Cpu(); var sw = Stopwatch.StartNew();
        a();
        cpu = Math.Min(cpu, Cpu() - c0); wall = Math.Min(wall, sw.Elapsed.TotalMilliseconds);
    }
    return (cpu, wall);
}
foreach (var file in args.Skip(3))
{
    var bytes = File.ReadAllBytes(file);
    DecodedImage? d = null;
    var dec = Best(() => { using var scope = NewDisposeScope(); d = decoder.Decompress(new MemoryStream(bytes)); });
#if OLD
    var png = Best(() => HiFiC.Codec.Imaging.ImageIO.SavePng(new MemoryStream(), d!.Image, d.Source, d.Alpha, d.Metadata));
#else
    var png = Best(() => HiFiC.Codec.Imaging.Output.ImageWriter.Write(new MemoryStream(), d!.Image, d.Source, d.Alpha, d.Metadata, new()));
#endif
    Console.WriteLine($"{Path.GetFileNameWithoutExtension(file)}\t{d!.Image.Width}x{d.Image.Height}\tdecode_cpu_ms={dec.Cpu:F0}\tdecode_wall_ms={dec.Wall:F0}\tpng_cpu_ms={png.Cpu:F0}");
}
