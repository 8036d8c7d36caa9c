using System.Net;
using System.Net.Sockets;

namespace HiFiC.TestSupport;

/// <summary>A TCP port on the loopback interface that no one listened on a moment ago (the OS picks it).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
