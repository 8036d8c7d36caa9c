using HiFiC.Cluster.Web.Hosting;

var app = HificWeb.Build(HificWeb.CreateBuilder(args));
await app.RunAsync();
