using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HiFiC.Cluster.Web.Tests;

/// <summary>
/// A storage endpoint that refuses everything with 403 AuthenticationFailed (not retried by the
/// Azure SDK, so the failure is immediate) and puts the account key into its error body, the way
/// a careless service might: the web host must answer 500 without any of it.
/// </summary>
public sealed class FakeStorage : IDisposable
{
    public const string Secret = "U0VDUkVUS0VZU0VDUkVUS0VZ";
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();

    public FakeStorage()
    {
        listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Secret};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1";

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); } catch { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var buffer = new byte[16384];
                    var seen = new StringBuilder();
                    while (!seen.ToString().Contains("\r\n\r\n"))
                    {
                        int n = await stream.ReadAsync(buffer);
                        if (n == 0) return;
                        seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }
                    var body = $"<?xml version=\"1.0\"?><Error><Code>AuthenticationFailed</Code><Message>Signature did not match. Key used: {Secret}</Message></Error>";
                    var response = $"HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nx-ms-error-code: AuthenticationFailed\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(response));
                }
            });
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }
}
