using HiFiC.Codec.Coding;
using HiFiC.Codec.Format;
using HiFiC.Codec.Imaging;
using HiFiC.Codec.Networks;
using HiFiC.Codec.Models;
using TorchSharp;

namespace HiFiC.Codec.Tests.Golden;

/// <summary>
/// The shipped model on every eval photo: encoded with 2 threads, entropy-decoded with 1 through
/// the torch-free integer path, the decoder reads exactly the encoder's symbols.
/// </summary>
public class EvalSetExactnessTests
{
    [RequiresDatasetFact("eval")]
    public void The_shipped_model_decodes_every_eval_photo_exactly_across_thread_counts()
    {
        TorchRuntime.Configure(2);
        var model = new ModelRegistry([RepoPaths.Models]).Load(ModelRegistry.DefaultModelId);
        Assert.NotNull(model.Tables.Hyper); // the shipped model must use the machine-independent path
        var files = Directory.EnumerateFiles(RepoPaths.EvalImages).Where(ImageIO.HasImageExtension).Order().ToList();
        Assert.NotEmpty(files);
        var encoder = new HificEncoder(model);
        int before = torch.get_num_threads();
        try
        {
            foreach (var file in files)
            {
                torch.set_num_threads(2);
                var ms = new MemoryStream();
                var encoded = encoder.Compress(ImageIO.Load(file), ms, new CompressOptions { Rate = 1 });
                torch.set_num_threads(1);
                using var reader = HificReader.Open(ms.ToArray());
                var layout = new TileLayout(reader.Header.Width, reader.Header.Height, reader.Header.TileSize);
                using var hasher = new LatentHasher();
                for (int t = 0; t < reader.Tiles.Count; t++)
                {
                    var tile = reader.ReadTile(t);
                    var lc = layout.LatentCore(t);
                    var latent = LatentStreamDecoder.Decode(model.Tables, tile.Z, tile.Y, lc.Height, lc.Width, maxThreads: 1, reader.StreamLayout);
                    hasher.Append(latent.ZSymbols, latent.YSymbols);
                }
                Assert.True(encoded.LatentHash == hasher.Finish(), $"{Path.GetFileName(file)}: decoded latents differ from the encoder's");
            }
        }
        finally { torch.set_num_threads(before); }
    }
}
