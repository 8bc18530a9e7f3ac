using System.Text;
using ServerlessDiscovery.Otlp.Decoding.Protobuf;

namespace ServerlessDiscovery.Otlp.Tests.Decoding.Protobuf;

public sealed class RequestStringsTests
{
    [Fact]
    public void Get_SameAsciiValueTwice_OneString()
    {
        var strings = new RequestStrings();

        string first = strings.Get("gpt-4o"u8);
        string second = strings.Get("gpt-4o"u8);

        Assert.Equal("gpt-4o", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Get_ManyDistinctValues_EachDecodedExactly_AlsoAfterItsSlotWasTaken()
    {
        var strings = new RequestStrings();
        string[] values = [.. Enumerable.Range(0, 1000).Select(i => $"value-{i}"), "модель", "a\u00E9", new string('x', 500), string.Empty];

        foreach (string value in values.Concat(values).Concat(values.Reverse()))
        {
            Assert.Equal(value, strings.Get(Encoding.UTF8.GetBytes(value)));
        }
    }

    [Fact]
    public void Get_NonAsciiText_NotSharedButDecoded()
    {
        var strings = new RequestStrings();
        byte[] utf8 = Encoding.UTF8.GetBytes("модель");

        string first = strings.Get(utf8);

        Assert.Equal("модель", first);
        Assert.NotSame(first, strings.Get(utf8));
    }
}
