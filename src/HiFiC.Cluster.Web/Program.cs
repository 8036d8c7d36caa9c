using HiFiC.Cluster.Web.Hosting;

// The contracts-only web host (the web image): HiFiC:Web:Mode=Client. Embedded mode, with a silo in
// the same process, is `hific web` (the CLI composes this host with the silo's HificSingleSilo).
var app = HificWeb.Build(HificWeb.CreateBuilder(args));
await app.RunAsync();
