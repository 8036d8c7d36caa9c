using Orleans.TestingHost;

namespace HiFiC.Cluster.Tests.Infrastructure;

/// <summary>One 2-silo cluster shared by the job tests of a class (starting one costs seconds on 2 cores).</summary>
public sealed class TwoSiloFixture : IAsyncLifetime
{
    public TempFolder Temp { get; } = new();
    public TestClusterFactory Factory { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _ = TestModel.Tiny; // build the model before the silos race for it
        Factory = new TestClusterFactory { StateFolder = Temp.Sub("state") };
        Cluster = await Factory.StartAsync(2);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Temp.Dispose();
    }
}
