using HiFiC.Codec.Imaging;

namespace HiFiC.Evaluation;

/// <summary>One tile of the crop sheet: the original, or a codec at the setting closest to the target bpp.</summary>
public sealed record CropCell(string Codec, string Label, string? Setting, double Bpp, double Psnr, double MsSsim);

/// <summary>The crop sheet: which image, which region, and what each cell (left to right, top to bottom) shows.</summary>
public sealed record CropSheetResult(string Image, PixelRect Crop, double TargetBpp, int Columns, IReadOnlyList<CropCell> Cells, IReadOnlyList<string> Files);
