using System.Text.Json;

namespace HiFiC.Codec.Context;

/// <summary>
/// Shape of a channel-conditional entropy model: y's channels in decode order, cut into slices of
/// equal size; each slice's network is conv 3x3 (in -> Width), ReLU, conv 1x1 (Width -> Width), ReLU,
/// conv 1x1 (Width -> 2 * slice channels). With <paramref name="Checkerboard"/> each slice is coded in
/// two phases (He et al. 2021): the anchors ((row + column) even) with the slice's first network,
/// then the rest with a second one that also sees the slice's decoded anchors (its 3x3 conv reads
/// each non-anchor's four anchor neighbours). Network n serves slice n / Phases, phase n % Phases.
/// <paramref name="SingleStream"/> is the y payload's layout (<see cref="ContextSliceCoder"/>): false, one
/// rANS stream per network with varint lengths (the first models); true, every slice and phase in ONE
/// stream, decoded phase by phase. It is stored in the model's context block, so the model's digest in
/// a file's header decides how that file's y is laid out (no format version of its own).
/// </summary>
public sealed record ChannelContextConfig(int LatentChannels, int Slices, int Width, int[] Order, bool Checkerboard = false, bool SingleStream = false)
{
    /// <summary>Context inputs are rounded to 1/InputScale: the integer path feeds round(v * InputScale).</summary>
    public const int InputScale = 8;

    public int SliceChannels => LatentChannels / Slices;

    /// <summary>y channels of slice s, in decode order.</summary>
    public int[] SliceMembers(int s) => Order.Skip(s * SliceChannels).Take(SliceChannels).ToArray();

    /// <summary>Inputs of slice s: its own channels' hyper mean and raw scale, then every earlier slice's y-hat.</summary>
    public int InputChannels(int s) => 2 * SliceChannels + s * SliceChannels;

    public int Phases => Checkerboard ? 2 : 1;

    /// <summary>Networks (and, unless <see cref="SingleStream"/>, y streams): one per slice and phase.</summary>
    public int Networks => Slices * Phases;

    /// <summary>Inputs of network n: its slice's, then (second phase) the slice's anchors' y-hat, zero elsewhere.</summary>
    public int NetworkInputChannels(int n) => InputChannels(n / Phases) + (n % Phases) * SliceChannels;

    /// <summary>Whether latent position (row, column) is coded in checkerboard phase <paramref name="phase"/>.</summary>
    public static bool InPhase(int phase, int row, int column) => ((row + column) & 1) == phase;

    public void Validate()
    {
        if (LatentChannels < 1 || Slices < 1 || LatentChannels % Slices != 0) throw new InvalidDataException($"{LatentChannels} channels do not split into {Slices} slices");
        if (Width is < 1 or > 1024) throw new InvalidDataException($"bad context width {Width}");
        if (Order.Length != LatentChannels || Order.Distinct().Count() != LatentChannels || Order.Any(c => c < 0 || c >= LatentChannels))
            throw new InvalidDataException("the channel order must be a permutation of the latent channels");
    }

    public string ToJson() => JsonSerializer.Serialize(this);
    public static ChannelContextConfig FromJson(string json) =>
        JsonSerializer.Deserialize<ChannelContextConfig>(json) ?? throw new InvalidDataException("empty context config");
}
