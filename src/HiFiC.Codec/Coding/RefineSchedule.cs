namespace HiFiC.Codec.Coding;

/// <summary>
/// The annealing schedule of <see cref="LatentRefiner"/> for a given number of steps. SGA's paper
/// schedule, τ = min(0.5, 0.5·exp(−1e-3·(s − 700))) over 2,000 steps, is compressed onto
/// <see cref="Steps"/> (s = step·2000/Steps): the same path from soft to nearly hard rounding, in
/// fewer, larger steps. Adam's step size is chosen so that the distance it can travel over the run
/// (≈ lr·steps) is about one quantisation step, as in the 200-step check at lr 5e-3 that the issue
/// reports, and it drops ×0.1 for the last 10% of steps (settling before the final hard rounding).
/// The guard measures the real cost every <see cref="GuardEvery"/> steps and at the last step.
/// </summary>
public sealed record RefineSchedule(int Steps)
{
    public const int PaperSteps = 2000;

    /// <summary>Adam's base step size, in quantisation steps: 1/Steps, at least the paper's 5e-3 and at most 0.1.</summary>
    public double BaseLearningRate => Math.Clamp(1.0 / Math.Max(1, Steps), 5e-3, 0.1);

    public double LearningRate(int step) => step > 0.9 * Steps ? BaseLearningRate * 0.1 : BaseLearningRate;

    /// <summary>SGA's temperature at step <paramref name="step"/> (1-based), on the compressed time axis.</summary>
    public double Temperature(int step)
    {
        double s = (double)step * PaperSteps / Math.Max(1, Steps);
        return Math.Min(0.5, 0.5 * Math.Exp(-1e-3 * (s - 700)));
    }

    /// <summary>Real-cost checks per run besides step 0: about five, the last always at the final step.</summary>
    public int GuardEvery => Math.Max(1, Steps / 5);

    public bool IsGuardStep(int step) => step == Steps || step % GuardEvery == 0;
}
