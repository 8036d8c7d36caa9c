namespace HiFiC.Evaluation;

/// <summary>How log-rate is interpolated as a function of quality for the Bjøntegaard delta.</summary>
public enum BdRateMethod
{
    /// <summary>VCEG-M33 (Bjøntegaard 2001): least-squares cubic polynomial in quality, the common definition.</summary>
    Polynomial,
    /// <summary>Piecewise cubic Hermite (PCHIP, monotone), as in later VCEG/JVET practice: robust to wiggles of a global cubic.</summary>
    Pchip,
}
