using HiFiC.Codec.Coding;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Models;
using TorchSharp;

namespace HiFiC.TestSupport;

/// <summary>
/// A direct decode to compare with a silo's restore. The contract: the latents (LatentHash) are the same
/// bits on any machine and thread count; the pixels are the same for the same intra-op thread count
/// (LibTorch's reductions split by its OpenMP team size, so 1 and 2 threads may differ in a pixel's last
/// bit). A silo's model pool pins its threads to ThreadsPerInstance (ModelPool.Run): decode here with
/// that count, on the calling thread, whatever other tests in this process set.
/// </summary>
public static class DirectDecoder
{
    public static DecodedImage Decode(CodecModel model, Stream bitstream, int threads, PixelRect? region = null)
    {
        // Per thread: sets this thread's team size (and the process default) before the decode runs here, synchronously.
        torch.set_num_threads(threads);
        return new HificDecoder(model).Decompress(bitstream, region);
    }

    public static DecodedImage Decode(CodecModel model, byte[] bitstream, int threads, PixelRect? region = null) =>
        Decode(model, new MemoryStream(bitstream, writable: false), threads, region);
}
