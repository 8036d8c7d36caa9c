using Azure;
using HiFiC.Cluster.Silo.Codec;
using HiFiC.Cluster.Contracts.Jobs;
using HiFiC.Cluster.Silo.Jobs;
using HiFiC.Cluster.Silo.Storage.Locations;

namespace HiFiC.Cluster.Tests.Jobs;

/// <summary>Failure reasons users see: words, never an exception's own text with its secrets.</summary>
public sealed class FailureTextTests
{
    private const string Connection = "DefaultEndpointsProtocol=https;AccountName=prodaccount;AccountKey=c2VjcmV0a2V5c2VjcmV0a2V5;EndpointSuffix=core.windows.net";

    public static IEnumerable<object[]> Exceptions =>
    [
        [new IOException($"Could not open {Connection}")],
        [new InvalidOperationException($"Connection failed: {Connection}")],
        [new RequestFailedException(403, $"Server failed to authenticate the request. {Connection} https://prodaccount.blob.core.windows.net/c/x?sv=2024&sig=abc")],
        [new UnauthorizedAccessException("Access to the path '/srv/secret/photos' is denied.")],
        [new FileNotFoundException("Could not find file '/srv/secret/photos/a.png'.")],
        [new TimeoutException($"timed out talking to {Connection}")],
    ];

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void Reasons_from_exceptions_never_carry_their_text(Exception e)
    {
        var reason = FailureReason.ForUser(e);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.DoesNotContain("c2VjcmV0a2V5c2VjcmV0a2V5", reason);
        Assert.DoesNotContain("prodaccount", reason);
        Assert.DoesNotContain("/srv/secret", reason);
        Assert.DoesNotContain("sig=", reason);
    }

    [Fact]
    public void Codec_and_location_reasons_are_kept_as_user_messages()
    {
        Assert.Equal("not an image or unsupported format", FailureReason.ForUser(new CodecInputException("not an image or unsupported format")));
        Assert.Equal("source is outside the allowed locations", FailureReason.ForUser(new LocationRefusedException("source", "is outside the allowed locations")));
    }

    [Fact]
    public void Stored_reasons_are_sanitised_when_shown()
    {
        var shown = FailureText.Sanitize($"gave up after 3 attempt(s): RequestFailedException: {Connection}\nStatus: 403 https://prodaccount.blob.core.windows.net/x?sig=abc");
        Assert.StartsWith("gave up after 3 attempt(s)", shown);
        Assert.DoesNotContain("c2VjcmV0a2V5c2VjcmV0a2V5", shown);
        Assert.DoesNotContain("prodaccount", shown);
        Assert.DoesNotContain("\n", shown);
        Assert.Contains("AccountKey=***", shown);
        Assert.True(FailureText.Sanitize(new string('x', 5000)).Length <= FailureText.MaxLength + 1);
        Assert.Equal("unknown", FailureText.Sanitize(null));
    }
}
