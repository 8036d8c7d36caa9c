// HificProcess moved from HiFiC.Cluster.Tests.Infrastructure (linked here) to tests/HiFiC.TestSupport
// (a global using). Tests written before the move still say `using HiFiC.Cluster.Tests.Infrastructure;`;
// this keeps that namespace declared in this project so they compile unchanged. Remove once none does.
namespace HiFiC.Cluster.Tests.Infrastructure
{
}
