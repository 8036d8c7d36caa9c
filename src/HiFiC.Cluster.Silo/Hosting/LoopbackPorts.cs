using System.Net;
using System.Net.Sockets;

namespace HiFiC.Cluster.Silo.Hosting;

/// <summary>A free TCP port on the loopback interface (the OS picks it), for silo and gateway ports left at 0.</summary>
public static class LoopbackPorts
{
    public static int Next()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
