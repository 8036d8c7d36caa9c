namespace HiFiC.Codec.Coding.ConstantQuality;

/// <summary>Why the rate search chose the rate it did.</summary>
public enum RateSearchStop
{
    /// <summary>The lowest rate (to the fine step) whose decoded image reaches the target.</summary>
    Reached,
    /// <summary>The target was not reached below the knee: the rate where quality stopped rising (more bits would buy less than the knee gain).</summary>
    Knee,
    /// <summary>The target was not reached at the model's highest rate.</summary>
    MaxRate,
}
